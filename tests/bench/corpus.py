"""Generate a deterministic corpus of messy plain-text news articles for the benchmarks."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.tsv"
FIRST_YEAR = 2005
LAST_YEAR = 2024
UNDATED_SHARE = 0.05
CHINESE_SHARE = 0.05
ZIPF_EXPONENT = 1.1
VOCABULARY_SIZE = 4000


def _items(text: str, sep: str | None = ",") -> tuple[str, ...]:
    """The non-empty items of a separated list written as one string."""
    return tuple(item.strip() for item in text.split(sep) if item.strip())


# Common English and news words, roughly from most to least frequent: the head of the Zipf curve.
_COMMON = _items(
    """
    the of and to a in that is for said it on was with he as by at from his be have are has
    had not but this they were which an their will its been would who more she after also year
    or we there about new one two her than last up over people when into government all can
    could other first some out what years officials if no so minister them including while told
    because during since most three percent state president before against between country where
    only time those under our these week city police former just how now many should such made
    any according public both national world million through still security next do group market
    may month company plan support military law report day forces some house economic health
    help part local four political international region high due party leaders per cent five
    news children women water foreign billion further early across well long back work called
    around used late area major another even end need way days home set meeting statement show
    family center service process number system issue power case court policy program members
    sector growth data official rights office months recent move among held without global
    workers development economy prices companies business financial council decision level rules
    agreement team series change lower higher increase private added past top based following
    future weeks expected recently agency energy plans spokesman efforts capital media industry
    schools cost taxes community budget social students authorities nearly several likely far
    life along despite open strong within six seven eight nine ten hundred thousand school deal
    talks crisis leader reform victims attack federal ministry opposition protest protesters
    parliament senator congress lawmakers vote voters results campaign citizens residents
    province village border troops army navy officers soldiers weapons conflict war peace
    negotiations investigation investors shares stocks trading imports goods demand supply
    production factory factories jobs wages union strike contract costs revenue profit losses
    quarter sales customers consumers banks loans debt credit funds investment project projects
    infrastructure roads bridges housing rent property construction land environment pollution
    waste forest river coast sea island weather rain storm temperatures summer winter spring
    autumn morning evening night hours minutes seconds times history century decade reports
    study research scientists experts university hospital patients doctors medical treatment
    disease drugs care safety risk risks warning concerns pressure challenges problems questions
    answers information internet online digital mobile phone phones network networks software
    technology technologies devices computer computers platform platforms users services
    privacy regulators regulation
    """,
    None,
)
# Word parts for the long tail of the vocabulary ("_" stands for no prefix or suffix).
_ROOTS = _items(
    """
    port form struct duct spect ject mit press tract vers dict cred fer pos ven ceed cept clud
    sist tend graph scrib sign mot vis pend rupt fract flect gress jud leg loc mand mov pel pet
    plic quir sens serv sol spir tain terr val vid voc volv cur dur fin gen grad habit junct
    labor lect mark medi min mod nat norm pact part pass ped plan plex pon prim quest reg sect
    sent sequ sim soci stat strict sum tact temp tens text tort trib turn vent vert viv
    """,
    None,
)
_PREFIXES = _items("_ re con de in pro ex sub trans inter pre dis com im ad per", None)
_SUFFIXES = _items("_ s ed ing ion ions ive ment er ers al ity or able ure ance", None)

# Named topics, one a line: name, then English terms (single words and phrases), then Chinese.
_TOPIC_TABLE = """
climate: climate, emissions, carbon, global warming, renewable energy, glacier, drought,
    heatwave, climate summit | 气候变化, 碳排放, 全球变暖, 新能源
economy: inflation, recession, interest rates, central bank, unemployment, bond yields, stimulus,
    consumer prices | 通货膨胀, 央行, 利率, 经济增长
technology: semiconductor, chipmaker, artificial intelligence, smartphone, cybersecurity,
    data breach, quantum computing | 人工智能, 半导体, 芯片, 互联网
health: vaccine, pandemic, clinical trial, outbreak, virus, vaccination, public health
    | 疫苗, 疫情, 医院, 公共卫生
elections: election, ballot, candidate, polling station, turnout, fraud, runoff,
    electoral commission | 选举, 投票, 候选人
space: rocket, satellite, astronaut, lunar, orbit, space station, Mars rover, launch pad
    | 航天, 卫星, 火箭, 空间站
sports: Olympics, World Cup, championship, marathon, striker, gold medal, coach, stadium
    | 奥运会, 冠军, 比赛, 运动员
disaster: earthquake, tsunami, flood, wildfire, typhoon, evacuation, rescue teams, aftershock
    | 地震, 洪水, 台风, 救援
trade: tariff, exports, trade talks, supply chain, customs, sanctions, trade deficit
    | 关税, 出口, 贸易, 供应链
energy: oil prices, pipeline, natural gas, OPEC, refinery, solar panels, wind farm, power grid
    | 石油, 天然气, 光伏, 电网
diplomacy: summit, ambassador, treaty, ceasefire, peace talks, foreign minister, United Nations,
    bilateral ties | 外交部, 联合国, 峰会, 双边关系
justice: court, verdict, prosecutor, arrest, corruption, smuggling, supreme court, jury
    | 法院, 判决, 腐败, 检察院
science: genome, fossil, telescope, quantum, archaeologists, species, dinosaur, black hole
    | 科学家, 化石, 望远镜, 考古
transport: high-speed rail, airline, airport, electric vehicle, subway, shipping, container port
    | 高铁, 电动汽车, 机场, 地铁
farming: harvest, wheat, rice, farmers, fertilizer, livestock, food security
    | 粮食, 丰收, 农民, 小麦
culture: museum, festival, film, exhibition, cultural heritage, novel, orchestra
    | 博物馆, 文化遗产, 电影, 展览
"""


def _parse_topics(table: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    topics = {}
    for entry in re.split(r"\n(?=\S)", table.strip()):
        name, terms = entry.split(":", 1)
        english, chinese = terms.split("|")
        topics[name] = (_items(english), _items(chinese))
    return topics


TOPICS = _parse_topics(_TOPIC_TABLE)
SOURCES = _items(
    "Xinhua, Reuters, Associated Press, BBC News, The Guardian, Al Jazeera, CNN,"
    " The New York Times, The Washington Post, Financial Times, Deutsche Welle, France 24,"
    " NHK World, The Hindu, South China Morning Post"
)
AUTHORS = _items(
    "Jane Doe, John Smith, Maria Garcia, Wei Zhang, Aisha Khan, Liam O'Brien, Yuki Tanaka,"
    " Carlos Mendes, Fatima Bello, Hannah Becker, Ravi Patel, Olga Ivanova, Ahmed Hassan,"
    " Sophie Martin, Daniel Kim, Grace Mwangi, Lucas Rossi, Emma Wilson"
)
PLACES = _items(
    "Beijing, Washington, London, Geneva, Nairobi, Tokyo, Brussels, Moscow, New Delhi, Brasilia,"
    " Cairo, Canberra, Ottawa, Jakarta, Berlin, Paris, Mexico City, Seoul, Istanbul, Lagos,"
    " Buenos Aires, Hanoi, Madrid, Tehran"
)
PEOPLE = _items(
    "Elena Novak, Samuel Okafor, Li Ming, Priya Sharma, Jonas Lindqvist, Amara Diallo, Kenji Sato,"
    " Isabel Ferreira, Omar Farouk, Chloe Dubois, Mateo Alvarez, Nadia Petrova"
)
SECTIONS = _items(
    "World, Business, Science, Sports, Asia-Pacific, Europe, Africa, Americas, Middle East, Tech,"
    " Health, Culture, China"
)
_MONTHS = _items(
    "January, February, March, April, May, June, July, August, September, October, November,"
    " December"
)
_SHORT_MONTHS = _items("Jan., Feb., March, April, May, June, July, Aug., Sept., Oct., Nov., Dec.")
_VERBS = _items(
    "faces, plans, unveils, reports, braces for, expands, rejects, backs, launches, delays, eyes,"
    " weighs, hit by, boosts, cuts, probes"
)
CHINESE_SOURCES = _items("新华社, 人民日报, 中国新闻网, 央视新闻")
CHINESE_AUTHORS = _items("王小明, 李华, 张伟, 刘洋, 陈静, 赵磊")
CHINESE_PLACES = _items("北京, 上海, 广州, 深圳, 杭州, 成都, 武汉, 西安, 南京, 重庆")
_CHINESE_VERBS = _items("推动, 加快, 启动, 聚焦, 迎来, 发布, 部署, 加强")
_CHINESE_ENDINGS = _items("发展, 建设, 新进展, 新举措, 工作会议, 合作项目")
_CHINESE_WORDS = _items(
    """
    我们 他们 发展 经济 政府 国家 合作 市场 企业 记者 表示 今年 去年 问题 工作 社会 人民 中国 国际
    全球 地区 城市 政策 推动 加强 建设 提高 增长 投资 项目 技术 创新 服务 安全 管理 改革 开放 会议
    领导 部门 计划 重要 进一步 同时 已经 目前 相关 情况 方面 影响 支持 继续 实现 成为 进行 提供 通过
    关于 根据 主要 重点 一些 这些 没有 可以 需要 应该 认为 指出 强调 介绍 报道 消息 数据 显示 百分之
    亿元 万人 居民 群众 专家 学生 学校 教育 文化 历史 环境 保护 交通 农村 产业 公司 产品 价格 消费
    生产 制度 法律 组织 活动 机构 代表 国务院 委员会 总统 总理 外长 双方 两国 友好 交流 未来 新的
    """,
    None,
)


def _build_vocabulary() -> tuple[str, ...]:
    """Common words first, then a fixed set of English-looking derived words for the long tail."""
    common = list(dict.fromkeys(_COMMON))
    derived = sorted(
        {
            (pre + root + suf).replace("_", "")
            for pre, root, suf in itertools.product(_PREFIXES, _ROOTS, _SUFFIXES)
        }
        - set(common)
    )
    random.Random(7).shuffle(derived)
    return tuple(common + derived[: VOCABULARY_SIZE - len(common)])


VOCABULARY = _build_vocabulary()
_CUM_WEIGHTS = tuple(
    itertools.accumulate(1.0 / rank**ZIPF_EXPONENT for rank in range(1, len(VOCABULARY) + 1))
)


@dataclass(frozen=True, slots=True)
class Article:
    """One generated article: its file text and what an importer should find in it (or None)."""

    text: str
    title: str
    date: dt.date | None
    source: str | None
    byline: str | None
    language: str


def _random_date(rng: random.Random) -> dt.date:
    start = dt.date(FIRST_YEAR, 1, 1).toordinal()
    end = dt.date(LAST_YEAR, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def _mdy(date: dt.date) -> str:
    return f"{_MONTHS[date.month - 1]} {date.day}, {date.year}"


def _dmy(date: dt.date) -> str:
    return f"{date.day} {_MONTHS[date.month - 1]}, {date.year}"


def _sentence(rng: random.Random, terms: list[str], names: list[str]) -> str:
    """A sentence of Zipf-distributed words, topic terms and names (people first, then a place)."""
    words = rng.choices(VOCABULARY, cum_weights=_CUM_WEIGHTS, k=rng.randint(8, 28))
    for i in range(len(words)):
        roll = rng.random()
        if roll < 0.05:
            words[i] = rng.choice(terms)
        elif roll < 0.07:
            words[i] = rng.choice(names)
        elif roll < 0.085:
            words[i] = str(rng.choice((rng.randint(2, 99), rng.randint(100, 9999))))
        elif roll < 0.14 and i < len(words) - 1:
            words[i] += ","
    sentence = " ".join(words)
    sentence = sentence[0].upper() + sentence[1:]
    if rng.random() < 0.1:
        return f'"{sentence.rstrip(",")}," said {rng.choice(names[:2])}.'
    return sentence.rstrip(",") + "."


def _headline(rng: random.Random, terms: list[str], place: str, person: str) -> str:
    term, other = rng.sample(terms, 2)
    pattern = rng.randrange(5)
    if pattern == 0:
        text = f"{place} {rng.choice(_VERBS)} {term} amid {other} concerns"
    elif pattern == 1:
        text = f"{person} says {term} will shape {other} debate"
    elif pattern == 2:
        text = f"{term} {rng.choice(_VERBS)} {other} in {place}, officials say"
    elif pattern == 3:
        text = f"{place} {rng.choice(_VERBS)} new {term} rules as {other} grows"
    else:
        text = f"Why {term} matters for {other} in {place}"
    return text[0].upper() + text[1:]


def _english(rng: random.Random) -> Article:
    topics = rng.sample(sorted(TOPICS), 2)
    terms = [t for name in topics for t in TOPICS[name][0]]
    place = rng.choice(PLACES)
    names = [*rng.sample(PEOPLE, 2), place]
    title = _headline(rng, terms, place, names[0])
    source = rng.choice(SOURCES)
    date = None if rng.random() < UNDATED_SHARE else _random_date(rng)
    author = rng.choice(AUTHORS) if rng.random() < 0.5 else None

    header: list[str] = []
    if rng.random() < 0.3:
        header.append(f"News > {rng.choice(SECTIONS)} >")
    header.append(title)
    byline_done = False
    if date is not None:
        style = rng.randrange(6)
        if style == 0:
            header.append(date.isoformat())
        elif style == 1:
            header.append(f"{_mdy(date)} | {source}")
        elif style == 2:
            header.append(f"{_dmy(date)} | {source}")
        elif style == 3:
            header.append(f"Source: {source} | {date.isoformat()}")
        elif style == 4 and author is not None:
            header.append(f"By {author} | {_mdy(date)}")
            byline_done = True
        else:
            header.append(
                f"Updated: {_mdy(date)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            )
    if author is not None and not byline_done:
        header.append(f"By {author}")
    if rng.random() < 0.2:
        header.append(rng.choice(("Share:", "Print | Email | Share", "Listen to this article")))

    paragraphs: list[str] = []
    words = 0
    target = max(300, int(rng.gauss(600, 80)))
    while words < target:
        paragraph = " ".join(_sentence(rng, terms, names) for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        words += paragraph.count(" ") + 1
    if date is not None and rng.random() < 0.35:
        month = _SHORT_MONTHS[date.month - 1]
        paragraphs[0] = f"{place.upper()}, {month} {date.day} ({source}) -- {paragraphs[0]}"
    trailer = rng.random()
    if trailer < 0.1:
        paragraphs.append(f"Editor: {rng.choice(AUTHORS)}")
    elif trailer < 0.2:
        paragraphs.append(f"Related: {_headline(rng, terms, rng.choice(PLACES), names[1])}")

    if rng.random() < 0.1:
        body = "\n\n".join(textwrap.fill(p, width=72) for p in paragraphs)
    else:
        body = "\n\n".join(paragraphs)
    text = "\n\n".join(header) + "\n\n" + body + "\n"
    return Article(text, title, date, source if source in text else None, author, "en")


def _chinese_sentence(rng: random.Random, terms: list[str], place: str) -> str:
    pieces = []
    for _ in range(rng.randint(3, 6)):
        words = rng.choices(_CHINESE_WORDS, k=rng.randint(4, 9))
        if rng.random() < 0.6:
            words.insert(rng.randrange(len(words)), rng.choice(terms))
        if rng.random() < 0.2:
            words.insert(0, place)
        pieces.append("".join(words))
    return "，".join(pieces) + "。"


def _chinese(rng: random.Random) -> Article:
    topics = rng.sample(sorted(TOPICS), 2)
    terms = [t for name in topics for t in TOPICS[name][1]]
    place = rng.choice(CHINESE_PLACES)
    title = f"{place}{rng.choice(_CHINESE_VERBS)}{rng.choice(terms)}{rng.choice(_CHINESE_ENDINGS)}"
    source = rng.choice(CHINESE_SOURCES)
    date = None if rng.random() < UNDATED_SHARE else _random_date(rng)
    author = rng.choice(CHINESE_AUTHORS) if rng.random() < 0.4 else None

    header = [title]
    if date is not None:
        style = rng.randrange(3)
        if style == 0:
            header.append(f"来源：{source} | {date.isoformat()}")
        elif style == 1:
            header.append(
                f"{date.year}年{date.month:02d}月{date.day:02d}日 "
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} 来源：{source}"
            )
        else:
            header.append(
                f"{date.isoformat()} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
                f"  来源：{source}"
            )
    if author is not None:
        header.append(f"记者 {author}")
    paragraphs: list[str] = []
    chars = 0
    target = max(600, int(rng.gauss(1100, 150)))
    while chars < target:
        paragraph = "".join(_chinese_sentence(rng, terms, place) for _ in range(rng.randint(2, 4)))
        paragraphs.append(paragraph)
        chars += len(paragraph)
    if rng.random() < 0.3:
        paragraphs.append(f"责任编辑：{rng.choice(CHINESE_AUTHORS)}")
    text = "\n\n".join(header) + "\n\n" + "\n\n".join(paragraphs) + "\n"
    return Article(text, title, date, source if source in text else None, author, "zh")


def article(number: int, seed: int = 1) -> Article:
    """Article ``number`` of the corpus of ``seed`` (the same whatever the corpus size)."""
    rng = random.Random(seed * 1_000_003 + number)
    return _chinese(rng) if rng.random() < CHINESE_SHARE else _english(rng)


def _encode(text: str, rng: random.Random) -> bytes:
    """Bytes as copied files have them: mostly plain UTF-8, some with a BOM or CRLF line ends."""
    roll = rng.random()
    if roll < 0.03:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if roll < 0.06:
        return text.replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8")


def generate(out_dir: Path, n: int, seed: int = 1) -> list[Path]:
    """Write ``n`` articles as .txt files plus a manifest.tsv of their metadata into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    rows = ["file\ttitle\tdate\tsource\tbyline\tlanguage"]
    for number in range(1, n + 1):
        item = article(number, seed)
        path = out_dir / f"article-{number:06d}.txt"
        path.write_bytes(_encode(item.text, random.Random(seed * 7 + number)))
        paths.append(path)
        date = item.date.isoformat() if item.date else ""
        fields = (path.name, item.title, date, item.source or "", item.byline or "", item.language)
        rows.append("\t".join(fields))
    (out_dir / MANIFEST_NAME).write_text("\n".join(rows) + "\n", "utf-8")
    return paths


def read_manifest(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """The manifest written by :func:`generate`, keyed by file name; empty if there is none."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split("\t")
    rows = (dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:])
    return {row["file"]: row for row in rows}


def main(argv: list[str] | None = None) -> int:
    """Command line: write the corpus into OUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("-n", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    paths = generate(args.out_dir, args.n, args.seed)
    size = sum(path.stat().st_size for path in paths)
    print(f"wrote {len(paths)} articles ({size / 1_048_576:.1f} MB) to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
