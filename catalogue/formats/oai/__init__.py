"""OAI-PMH 2.0: the protocol aggregators use to harvest catalogue records.

``records`` says what is harvestable (published documents; withdrawn ones as deleted
records), in which sets and metadata formats; ``protocol`` turns a request into the
protocol's XML response, errors included.
"""

from .protocol import handle

__all__ = ["handle"]
