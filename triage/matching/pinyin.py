"""Toneless pinyin for names written in characters or in latin letters."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Every toneless pinyin syllable (ü written v), for splitting latin input like "liyong".
_SYLLABLE_LIST = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
    cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
    chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den
    deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang
    fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang
    gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
    ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken
    keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian
    liang liao lie lin ling liu lo long lou lu luan lue lun luo lv lve ma mai man mang mao me mei
    men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian
    niang niao nie nin ning niu nong nou nu nuan nue nuo nv nve o ou pa pai pan pang pao pei pen
    peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu
    quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang
    sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan
    shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian
    tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian
    xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you
    yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen
    zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun
    zuo
"""
_SYLLABLES = frozenset(_SYLLABLE_LIST.split())
_LONGEST = max(len(s) for s in _SYLLABLES)

# Characters read differently when they are a surname (曾 zeng, not ceng).
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou",
    "查": "zha", "乐": "yue", "覃": "qin", "尉": "yu", "盖": "ge", "缪": "miao", "种": "chong",
}  # fmt: skip

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_TOKEN = re.compile(r"[a-z]+")


def has_chinese(text: str) -> bool:
    """Whether the text contains any Chinese character."""
    return _CJK.search(text) is not None


def chinese_chars(text: str) -> str:
    """Only the Chinese characters of a text, in order."""
    return "".join(_CJK.findall(text))


@lru_cache(maxsize=1 << 17)
def char_syllables(chars: str) -> tuple[str, ...]:
    """Toneless pinyin of a run of Chinese characters, one syllable per character."""
    return tuple(lazy_pinyin(chars, style=Style.NORMAL, v_to_u=False))


@lru_cache(maxsize=1 << 15)
def latin_syllables(text: str) -> tuple[str, ...]:
    """Split latin pinyin such as "Li Yong", "liyong" or "Lü" into syllables."""
    folded = unicodedata.normalize("NFKD", text.lower().replace("ü", "v").replace("u:", "v"))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    syllables: list[str] = []
    for token in _LATIN_TOKEN.findall(folded):
        syllables.extend(_segment(token) or (token,))
    return tuple(syllables)


def _segment(token: str) -> tuple[str, ...] | None:
    """Longest-first segmentation into valid syllables, backtracking on dead ends."""
    if not token:
        return ()
    for size in range(min(_LONGEST, len(token)), 0, -1):
        head = token[:size]
        if head in _SYLLABLES:
            rest = _segment(token[size:])
            if rest is not None:
                return (head, *rest)
    return None


def syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a name in characters or latin letters."""
    chars = chinese_chars(text)
    return char_syllables(chars) if chars else latin_syllables(text)
