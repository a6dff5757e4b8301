"""What a browser would post for a page's form, read from the page's HTML:
each input's value (a checkbox only when checked), each select's chosen
option (or its first), each textarea's text. Fields inside a <template> are
not part of the form, as in a browser."""

from html.parser import HTMLParser


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, str] = {}
        self.template_depth = 0
        self.select: str | None = None
        self.select_first: str | None = None
        self.option_value: str | None = None
        self.option_text = ""
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self.template_depth += 1
        if self.template_depth:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
                return
            self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self.select, self.select_first = name, None
        elif tag == "option" and self.select:
            self.option_value, self.option_text = a.get("value"), ""
            if "selected" in a:
                self.data[self.select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1
        if self.template_depth:
            return
        if tag == "option" and self.select and self.select_first is None:
            value = self.option_value
            self.select_first = value if value is not None else self.option_text.strip()
        elif tag == "select" and self.select:
            self.data.setdefault(self.select, self.select_first or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.template_depth:
            return
        if self.textarea:
            # Browsers drop the newline that follows <textarea>.
            text = self.data[self.textarea] + data
            self.data[self.textarea] = text.removeprefix("\n")
        elif self.select:
            self.option_text += data


def form_fields(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return parser.data
