"""SIGTERM as a clean stop for long-running commands.

Python's default for SIGTERM (``kill``, a service manager or CI stopping a job) is to
die at once: no ``finally`` runs, so a command that stages its output (the export's
staging directory, the generator's scratch databases) left it behind. Inside
``terminate_cleanly()`` the signal raises ``Terminated`` instead, and the command's
own clean-up for Ctrl-C and errors runs.
"""

import signal
import threading
from contextlib import contextmanager

EXIT_CODE = 128 + signal.SIGTERM


class Terminated(Exception):
    """SIGTERM arrived while the command was working."""


@contextmanager
def terminate_cleanly():
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def stop(signum, frame):
        raise Terminated(f"stopped by signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
