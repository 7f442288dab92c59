"""Hypothesis strategies for what may reach the WeChat callback: real-looking messages of every
MsgType with strange values, the same messages mistyped or broken, hostile XML, bodies in other
encodings or no XML at all, and correct messages whose signing is spoiled.

Each strategy yields a `Callback`. Message XML (a `str`) is delivered the way WeChat delivers
it: signed, and encrypted in safe mode, so it reaches the parser in both modes. A `bytes` body
is POSTed as it is with correct query signatures (as if the token had leaked): in plaintext
mode it is the message, in safe mode the envelope. The sender's OpenID and the MsgId are
placeholders the test replaces with fresh ones, so every example is a new follower and no
example is mistaken for a re-delivery of another.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from hypothesis import strategies as st

from bot.wechat.verify import MAX_BODY_BYTES
from tests.bot.wechat_helpers import AES_KEY, APP_ID, TOKEN
from tests.fakes.wechat_server import STICKER_PLACEHOLDER, WeChatSender, aes_key, cdata, encrypt

PLACEHOLDER = "oFuzzPlaceholderOpenId000000"  # replaced per example by a fresh OpenID
MSG_ID = "4242424242424242424"  # and this by a fresh MsgId
INTERVIEWS = [f"oFuzzInterview{n:014d}" for n in range(10)]  # followers the test keeps mid-report
FORGERIES = ("signature", "msg_signature", "stale", "letters", "no_nonce", "no_signature", "replay")
SENDER = WeChatSender(TOKEN, APP_ID, AES_KEY, openid=PLACEHOLDER)


@dataclass(frozen=True)
class Callback:
    """One POST to /wechat, and whether the follower is owed a text reply."""

    body: str | bytes  # str: message XML WeChat signs (and encrypts); bytes: the exact body
    owed: bool = False
    openid: str = PLACEHOLDER  # FromUserName: the reply goes to them
    account: str = SENDER.account  # ToUserName: the reply comes from it
    encrypt: str = ""  # for a bytes body in safe mode: the Encrypt value msg_signature covers
    forgery: str | None = None  # how the request's signing is spoiled (see FORGERIES)


ODD = [
    "",
    " ",
    "\t\r\n",
    "\u200b\u200d\ufeff",  # zero-width characters
    "\u202eevil\u202c",  # right-to-left override
    "👨‍👩‍👧‍👦🏳️‍🌈",  # emoji joined by ZWJ
    "Z̷̢̛a̸̡͝l̵̨̛g̴̢͝o̶̧͘",  # stacked combining marks
    "𠀀𪚥𰻞\U0010fffd",  # CJK outside the basic plane, the last code point
    "\x85\x9f\ufdd0\ufffd",  # C1 controls and noncharacters XML still allows
    "/start",
    "／start 深圳",
    "帮助",
    "取消。",
    STICKER_PLACEHOLDER,
    "'; DROP TABLE report; --",
    "１²٣",
]
MARKUP = [  # XML's own syntax as text: escaped or split when sent, and so in the reply
    "]]>",  # ends a CDATA section
    "a]]>b<![CDATA[c",
    "]]]]><![CDATA[>",
    "&amp;&lt;&#0;&unknown;",
    "<xml><MsgType>event</MsgType></xml>",
    "</Content></xml>",
]
CONTROL = ["\x00", "\x01\x1b[31m", "\x7f\x08", "\ufffe", "\uffff"]  # not allowed in XML 1.0
# Characters XML 1.0 allows: no surrogates, no C0/C1 controls but tab and newlines, no U+FFFE/F.
xml_chars = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
) | st.sampled_from("\t\n\r")
short = st.one_of(st.sampled_from(ODD), st.sampled_from(MARKUP), st.text(xml_chars, max_size=30))
texts = st.one_of(
    short,
    st.text(xml_chars, max_size=300),
    st.builds(lambda s, n: s * n, short.filter(bool), st.integers(100, 6_000)),  # some too big
)


def _answered_type(msg_type: str) -> bool:
    """A MsgType wechatpy reads as neither event nor location: the bot explains what it reads."""
    lowered = msg_type.strip().lower()  # wechatpy's XML parser strips text
    if lowered in ("", "event", "location"):
        return False
    return not lowered.startswith("device_")


EVENTS = [  # (Event, EventKey, owed a reply)
    ("subscribe", "", True),
    ("subscribe", None, True),
    ("subscribe", "qrscene_42", True),  # followed by scanning a QR code
    ("subscribe", "scanbarcode|x", False),
    ("unsubscribe", "", False),
    ("CLICK", "help", True),
    ("click", "START", True),
    ("CLICK", "NEWS_2026", False),
    ("VIEW", "https://example.com/", False),
    ("LOCATION", None, False),
    ("SCAN", "42", False),
    ("TEMPLATESENDJOBFINISH", None, False),
]


def _placeholder_id(xml: str) -> str:
    """The message with its MsgId (the sender's last field) swapped for the placeholder."""
    return re.sub(r"<MsgId>\d+</MsgId></xml>$", f"<MsgId>{MSG_ID}</MsgId></xml>", xml)


@st.composite
def well_formed(draw: st.DrawFn) -> Callback:
    """A message of any MsgType, laid out as WeChat lays it out, its values strange."""
    openid = draw(st.one_of(st.just(""), short)) + PLACEHOLDER
    account = draw(st.one_of(st.just(SENDER.account), short))
    kind = draw(st.sampled_from(["text", "location", "media", "link", "other", "event"]))
    owed = True
    if kind == "text":
        xml = SENDER.text(draw(texts), openid=openid)
    elif kind == "location":
        lat, lon = draw(st.floats(-90, 90)), draw(st.floats(-180, 180))
        xml = SENDER.location(lat, lon, scale=draw(st.integers()), label=draw(short), openid=openid)
    elif kind == "media":
        media_id, other = draw(short), draw(short)
        xml = draw(
            st.sampled_from(
                [
                    SENDER.image(media_id, pic_url=other or None, openid=openid),
                    SENDER.voice(media_id, fmt=other, recognition=draw(texts), openid=openid),
                    SENDER.voice(media_id, openid=openid),
                    SENDER.video(media_id, other, openid=openid),
                    SENDER.video(media_id, other, short=True, openid=openid),
                ]
            )
        )
    elif kind == "link":
        xml = SENDER.link(draw(short), draw(texts), draw(short), openid=openid)
    elif kind == "other":
        msg_type = draw(st.sampled_from(["emoticon", "miniprogrampage", "file", ""]) | short)
        xml, owed = SENDER.unsupported(msg_type, openid=openid), _answered_type(msg_type)
    else:
        name, key, owed = draw(st.sampled_from(EVENTS))
        xml = SENDER.event(name, key=key, openid=openid)
    xml = xml.replace(cdata(SENDER.account), cdata(account), 1)  # ToUserName comes first
    return Callback(_placeholder_id(xml), owed, openid, account)


def _answer(openid: str, words: str) -> Callback:
    return Callback(_placeholder_id(SENDER.text(words, openid=openid)), True, openid)


answers = st.builds(_answer, st.sampled_from(INTERVIEWS), texts)
"""A strange answer from a follower in the middle of a report (it is stored in the draft)."""

WRONG = ["", "abc", "-1", "0", "1e309", "NaN", "-inf", "0x10", " 42 ", "4_2", "１２", "9" * 30]
WRONG += ["١٢٣", "-" + "9" * 300, "9" * 5000, *CONTROL]  # int() reads the first, not the last
wrong_values = st.one_of(
    st.sampled_from(WRONG), st.integers(-(10**200), 10**200).map(str), short, texts
)
FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId", "Content", "Event"]


@st.composite
def mistyped(draw: st.DrawFn) -> Callback:
    """A well-formed message with fields missing, repeated, nested or of the wrong type."""
    original = draw(st.one_of(well_formed(), answers))
    root = ET.fromstring(original.body)
    for _ in range(draw(st.integers(1, 3))):
        tags = sorted({child.tag for child in root} | set(FIELDS))
        tag = draw(st.sampled_from(tags))
        field = root.find(tag)
        if field is None:
            field = ET.SubElement(root, tag)
        change = draw(st.sampled_from(["drop", "value", "nest", "repeat", "attribute"]))
        if change == "drop":
            root.remove(field)
        elif change == "value":
            field.text = draw(wrong_values)
        elif change == "nest":
            ET.SubElement(field, draw(st.sampled_from(["a", "xml", tag]))).text = draw(short)
        elif change == "repeat":
            root.append(field)
        else:
            field.set(draw(st.sampled_from(["a", "type", "xmlns"])), draw(short))
    return Callback(ET.tostring(root, encoding="unicode"), openid=original.openid)


def _unbalanced(xml: str, cut: int, how: str) -> str:
    """The message with a closing tag near `cut` dropped, misnamed or doubled."""
    start = xml.find("</", cut % len(xml))
    if start < 0:
        start = xml.rfind("</")
    end = xml.index(">", start) + 1
    closing = {"drop": "", "misnamed": "</Wrong>", "doubled": xml[start:end] * 2}[how]
    return xml[:start] + closing + xml[end:]


DOCTYPES = [
    SENDER.billion_laughs(depth=3),
    SENDER.billion_laughs(),
    SENDER.billion_laughs(envelope=True),
    SENDER.external_entity(),
    SENDER.external_entity("http://127.0.0.1:1/steal"),
    '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd"> %p;]>' + SENDER.text("x"),
    '<!DOCTYPE xml SYSTEM "http://127.0.0.1:1/x.dtd">' + SENDER.text("x"),
    "<!DOCTYPE xml>" + SENDER.text("x"),
    f'<!DOCTYPE xml [<!ENTITY a "{"x" * 40_000}">]>'
    + SENDER.text("x").replace(cdata("x"), "&a;" * 100),  # quadratic blow-up
]
TRICKS = [  # what replaces the Content's CDATA section
    "<![CDATA[x",  # never closed
    "<![CDATA[<![CDATA[x]]>]]>",  # nested
    "x]]>y",  # a CDATA end outside CDATA
    "<![CDATA[x]]]]><![CDATA[>y]]>",  # a split "]]>", as it should be written
    "<![cdata[x]]>",
    "&#0;&#x1b;",
    "&#xD800;",
    "&#x110000;",
    "&#x1F600;&#65;",
    "&unknown;",
    "&amp",
    "<!-- -->x<?pi x?>",
    "</Content><Content>",
]
WRAPPERS = [
    '<?xml version="1.0" encoding="gbk"?>{}',
    '<?xml version="1.0" encoding="utf-16"?>{}',
    '<?xml version="1.0" encoding="no-such-codec"?>{}',
    '<?xml version="1.1"?>{}',
    '<?xml version="2.0" standalone="maybe"?>{}',
    "\ufeff{}",
    "{}<xml></xml>",  # two roots
    "{}trailing text",
    "<XML>{}</XML>",
    '<w:xml xmlns:w="urn:x">{}</w:xml>',
]
NOT_MESSAGES = ["", " ", "<xml/>", "<xml></xml>", "<notxml/>", "<xml>text</xml>", "hi", "{}", "<"]
NOT_MESSAGES += [
    "<xml>" + "<a>" * 5_000 + "</a>" * 5_000 + "</xml>",  # deep
    "<xml>" + "<MsgId>1</MsgId>" * 2_000 + "</xml>",  # wide
]


@st.composite
def malformed(draw: st.DrawFn) -> Callback:
    """Message XML broken: truncated, unbalanced, with a DTD, CDATA tricks, odd prologues."""
    xml = draw(well_formed()).body
    assert isinstance(xml, str)
    how = draw(st.sampled_from(["truncated", "unbalanced", "doctype", "trick", "wrapped", "not"]))
    if how == "truncated":
        return Callback(xml[: draw(st.integers(0, len(xml) - 1))])
    if how == "unbalanced":
        way = draw(st.sampled_from(["drop", "misnamed", "doubled"]))
        return Callback(_unbalanced(xml, draw(st.integers(0, len(xml))), way))
    if how == "doctype":
        return Callback(draw(st.sampled_from(DOCTYPES)))
    if how == "trick":
        trick = draw(st.sampled_from(TRICKS + CONTROL))
        return Callback(SENDER.text("x").replace(cdata("x"), trick))
    if how == "wrapped":
        return Callback(draw(st.sampled_from(WRAPPERS)).format(xml))
    return Callback(draw(st.sampled_from(NOT_MESSAGES)))


CODECS = ["utf-16", "utf-16-le", "utf-32", "utf-8-sig", "gbk", "big5", "latin-1", "cp1252"]


def _encoded(xml: str, codec: str, declare: bool) -> bytes:
    """The message in another encoding, with or without an encoding declaration."""
    if declare:
        xml = f'<?xml version="1.0" encoding="{codec}"?>{xml}'
    return xml.encode(codec, errors="replace")


def _envelope(encrypted: str) -> bytes:
    """A safe-mode body around this Encrypt value."""
    to = f"<ToUserName>{cdata(SENDER.account)}</ToUserName>"
    return f"<xml>{to}<Encrypt>{cdata(encrypted)}</Encrypt></xml>".encode()


_OUR_KEY, _OTHER_KEY = aes_key(AES_KEY), aes_key("B" * 43)
_MESSAGE = st.just(SENDER.text("x"))
encrypted_garbage = st.one_of(
    st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),  # bad padding, length
    short,  # not base64
    _MESSAGE.map(lambda xml: encrypt(_OTHER_KEY, xml, APP_ID)),  # someone else's key
    _MESSAGE.map(lambda xml: encrypt(_OUR_KEY, xml, "wxsomeoneelse00001")),  # another app
    texts.map(lambda text: encrypt(_OUR_KEY, text, APP_ID)),  # decrypts to no message at all
)


@st.composite
def raw_bodies(draw: st.DrawFn) -> Callback:
    """Bytes as they might arrive: other encodings, binary, envelopes around garbage, too much."""
    how = draw(st.sampled_from(["encoded", "binary", "envelope", "oversized"]))
    if how == "encoded":
        xml = draw(well_formed()).body
        assert isinstance(xml, str)
        return Callback(_encoded(xml, draw(st.sampled_from(CODECS)), draw(st.booleans())))
    if how == "binary":
        return Callback(draw(st.binary(max_size=300) | st.sampled_from([b"", b"\xef\xbb\xbf"])))
    if how == "envelope":
        encrypted = draw(encrypted_garbage)
        return Callback(_envelope(encrypted), encrypt=encrypted)
    return Callback(b"<xml><Content>" + b"A" * MAX_BODY_BYTES + b"</Content></xml>")


forged = st.builds(
    lambda callback, forgery: Callback(callback.body, openid=callback.openid, forgery=forgery),
    well_formed(),
    st.sampled_from(FORGERIES),
)
"""A good message whose request is not WeChat's: forged, stale, replayed, unsigned."""

callbacks = st.one_of(well_formed(), answers, mistyped(), malformed(), raw_bodies(), forged)
"""Whatever may arrive at /wechat."""
