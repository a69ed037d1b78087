"""Read an admin form the way a browser would submit it, so tests post real pages."""

from lxml import html


def form_values(response, form_id: str) -> dict:
    """Every successful control of ``<form id=form_id>`` as the browser would send it."""
    tree = html.fromstring(response.content.decode())
    (form,) = tree.xpath(f'//form[@id="{form_id}"]')
    data: dict[str, list[str]] = {}

    def add(name, value):
        if name and "__prefix__" not in name:
            data.setdefault(name, []).append(value)

    for element in form.xpath(".//input | .//select | .//textarea"):
        name = element.get("name")
        if element.get("disabled") is not None:
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                continue
            if kind in {"checkbox", "radio"}:
                if element.get("checked") is not None:
                    add(name, element.get("value", "on"))
                continue
            add(name, element.get("value", ""))
        elif element.tag == "select":
            chosen = element.xpath(".//option[@selected]")
            for option in chosen:
                add(name, option.get("value", option.text or ""))
            if not chosen and element.get("multiple") is None:
                options = element.xpath(".//option")
                if options:
                    add(name, options[0].get("value", ""))
        else:
            text = element.text or ""
            add(name, text[1:] if text.startswith("\n") else text)  # as browsers do
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}
