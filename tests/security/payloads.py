"""Hostile strings a curriculum contributor could put in any text field."""

XSS_PAYLOADS = [
    "<script>window.__pwned=1</script>",
    "<SCRIPT SRC=//evil.invalid/x.js></SCRIPT>",
    "<img src=x onerror=window.__pwned=1>",
    '<img src="x" onerror="window.__pwned=1">',
    "<svg onload=window.__pwned=1>",
    "<svg><script>window.__pwned=1</script></svg>",
    "<body onload=window.__pwned=1>",
    "<iframe src=javascript:window.__pwned=1></iframe>",
    "<iframe srcdoc='<script>parent.__pwned=1</script>'></iframe>",
    "<a href=javascript:window.__pwned=1>click</a>",
    "[click](javascript:window.__pwned=1)",
    "[click](JaVaScRiPt:window.__pwned=1)",
    "[click](java\tscript:window.__pwned=1)",
    "[click](&#106;avascript:window.__pwned=1)",
    "![x](javascript:window.__pwned=1)",
    '<a href="data:text/html,<script>parent.__pwned=1</script>">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD0xPC9zY3JpcHQ+)",
    '<div style="background:url(javascript:window.__pwned=1)">x</div>',
    '<div style="width: expression(window.__pwned=1)">x</div>',
    "<style>body{background:url(javascript:window.__pwned=1)}</style>",
    "<object data=javascript:window.__pwned=1></object>",
    "<embed src=javascript:window.__pwned=1>",
    "<form action=javascript:window.__pwned=1><button>x</button></form>",
    "<input autofocus onfocus=window.__pwned=1>",
    "<details open ontoggle=window.__pwned=1>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    '<meta http-equiv=refresh content="0;url=javascript:window.__pwned=1">',
    "<base href=javascript:/>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "&#60;img src=x onerror=window.__pwned=1&#62;",
    '"><script>window.__pwned=1</script>',
    "'><img src=x onerror=window.__pwned=1>",
    "</textarea><script>window.__pwned=1</script>",
    "</script><script>window.__pwned=1</script>",
    "{{ 7*7 }}{% raw %}<script>window.__pwned=1</script>",
    '<noscript><p title="</noscript><img src=x onerror=window.__pwned=1>">',
    "<video><source onerror=window.__pwned=1></video>",
    "<link rel=import href=data:text/html,<script>parent.__pwned=1</script>>",
    # reaching for the LMS page above the SCO, and dialogs (the browser test fails on any dialog)
    "<svg/onload=top.__pwned=1>",
    "<img src=x onerror=alert(document.domain)>",
    '<a href="javas&#99;ript:top.__pwned=1">x</a>',
    '<a href=" &#14; javascript:top.__pwned=1">x</a>',
    "[x](vbscript:top.__pwned=1)",
    '<svg><a xlink:href="javascript:top.__pwned=1"><text y="20">x</text></a></svg>',
    "<p onmouseover=top.__pwned=1>hover</p>",
    "<select autofocus onfocus=top.__pwned=1></select>",
    "<button formaction=javascript:top.__pwned=1>x</button>",
    '<iframe src="data:text/html,<script>top.__pwned=1</script>"></iframe>',
    "<style>@import 'javascript:top.__pwned=1';</style>",
    "`<script>top.__pwned=1</script>`",
]

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "del",
    "sup",
    "sub",
    "div",
    "span",
    "details",  # lesson blocks (::: details)
    "summary",
}


def unsafe_markup(html: str) -> list[str]:
    """What in an HTML fragment could run code or load something: elements, handlers, URLs, styles."""
    from lxml import html as lxml_html

    problems: list[str] = []
    if not html.strip():
        return problems
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag not in ALLOWED_TAGS:
            problems.append(f"<{el.tag}>")
        for name, value in el.attrib.items():
            if name.lower().startswith("on") or name.lower() in ("style", "srcdoc", "formaction"):
                problems.append(f"{el.tag}@{name}")
            if name.lower() in ("href", "src", "action", "data", "xlink:href"):
                scheme = value.strip().lower().replace("\t", "").split(":", 1)
                if len(scheme) == 2 and scheme[0] not in ("http", "https", "mailto"):
                    problems.append(f"{el.tag}@{name}={value[:30]}")
    return problems
