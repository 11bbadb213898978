#!/usr/bin/env python3
"""Generate a realistic application batch for rules/wuchang-2022.yaml.

    python3 examples/gen-applications.py                 # 320 rows -> examples/applications-2022.csv
    python3 examples/gen-applications.py N out.csv       # N rows (benchmarks), streamed

Deterministic (random.Random(2022), stdlib only); rows are written as they are made, so any N
fits in constant memory. Enterprise profiles are derived from the enterprise number alone, so the
same enterprise has the same registration data in every row it appears in.

Besides ordinary approvable applications the batch holds what a real 申报 export holds:
rows that fail clauses, rows with empty cells (补正 needed -> incomplete), malformed cells
(invalid), a repeated app_id (duplicate), an unknown 申报事项, rows with no 申报事项 (免申即享
matching mode), applications outside a policy window, an enterprise that applies for both
office subsidies (租购二选一), and repeat applications for `once` policies. Requested awards add
up to roughly twice each envelope, so a round has to ration.
"""

import csv
import os
import random
import sys

# Header: field names, except a few columns that use the Chinese alias titles of the export.
COLUMNS = [
    ("app_id", "app_id"),
    ("enterprise_id", "enterprise_id"),
    ("enterprise_name", "企业名称"),
    ("policy", "policy"),
    ("submitted_on", "submitted_on"),
    ("district", "注册地"),
    ("industry_code", "industry_code"),
    ("established_on", "established_on"),
    ("blacklisted", "是否失信主体"),
    ("employees", "employees"),
    ("区级贡献", "区级贡献"),
    ("institution_type", "institution_type"),
    ("org_form", "org_form"),
    ("paid_in_capital", "实缴资本（元）"),
    ("office_area", "office_area"),
    ("annual_rent", "annual_rent"),
    ("listing_board", "listing_board"),
    ("listed_on", "listed_on"),
    ("loan_amount", "loan_amount"),
    ("loan_term_months", "loan_term_months"),
    ("guarantee_amount", "guarantee_amount"),
    ("营业收入", "营业收入"),
    ("上年营业收入", "上年营业收入"),
    ("retail_sales", "retail_sales"),
    ("retail_sales_prev", "retail_sales_prev"),
    ("stats_entered_on", "stats_entered_on"),
    ("store_level", "store_level"),
    ("store_investment", "store_investment"),
    ("lease_years", "lease_years"),
    ("online_sales", "online_sales"),
    ("online_sales_prev", "online_sales_prev"),
]
FIELDS = [f for f, _ in COLUMNS]

# policy -> rows per cycle of the schedule (tuned so demand is ~2x each envelope)
POLICY_WEIGHTS = [
    ("FIN-HQ", 2), ("FIN-REGIONAL", 3), ("FIN-BRANCH", 3), ("FIN-BUY", 2), ("FIN-RENT", 3),
    ("FIN-LIST", 1), ("FIN-LOAN", 9), ("FIN-GUAR", 7),
    ("COM-PL-INC", 7), ("COM-PL-STOCK", 3), ("COM-XS", 14), ("COM-RETAIL", 16),
    ("COM-FIRST-STORE", 8), ("COM-ECOM", 10),
]
FINANCE = {p for p, _ in POLICY_WEIGHTS if p.startswith("FIN-")}
WINDOWS = {  # submitted_on windows, mirrored from the rules (None = no window)
    "FIN-HQ": ("2022-03-01", "2022-11-30"), "FIN-REGIONAL": ("2022-03-01", "2022-11-30"),
    "FIN-BRANCH": ("2022-03-01", "2022-11-30"), "FIN-LIST": ("2022-01-01", "2022-12-15"),
    "FIN-LOAN": ("2022-01-01", "2022-11-30"), "FIN-GUAR": ("2022-01-01", "2022-10-31"),
    "COM-PL-INC": ("2022-02-01", "2022-10-31"), "COM-PL-STOCK": ("2022-02-01", "2022-10-31"),
    "COM-RETAIL": ("2022-01-01", "2022-12-31"), "COM-FIRST-STORE": ("2022-03-01", "2022-11-30"),
    "COM-ECOM": ("2022-03-01", "2022-09-30"),
}
FIN_TYPES = ["银行", "证券", "保险", "基金", "期货", "信托"]
NAME_HEAD = ["楚天", "黄鹤", "长江", "汉阳门", "首义", "积玉桥", "中南", "水果湖", "粮道", "徐家棚",
             "杨园", "白沙洲", "紫阳", "珞珈", "东亭", "晴川", "江城", "荆楚", "知音", "沙湖"]
FIN_TAIL = {"银行": "银行股份有限公司", "证券": "证券股份有限公司", "保险": "财产保险股份有限公司",
            "基金": "基金管理有限公司", "期货": "期货有限公司", "信托": "信托有限责任公司"}
COM_TAIL = ["商贸有限公司", "百货有限公司", "供应链管理有限公司", "超市有限公司", "电子商务有限公司",
            "餐饮管理有限公司", "医药连锁有限公司", "汽车销售服务有限公司"]
COM_INDUSTRY = ["F5112", "F5137", "F5171", "F5211", "F5212", "F5223", "F5251", "F5261", "F5292", "H6210"]

DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def ordinal(d):
    """'YYYY-MM-DD' -> day number (only 2015..2023 needed)."""
    y, m, dd = int(d[:4]), int(d[5:7]), int(d[8:10])
    n = 0
    for yy in range(2000, y):
        n += 366 if yy % 4 == 0 else 365
    for mm in range(1, m):
        n += DAYS_IN_MONTH[mm - 1] + (1 if mm == 2 and y % 4 == 0 else 0)
    return n + dd


def date_from(n):
    y = 2000
    while True:
        ylen = 366 if y % 4 == 0 else 365
        if n <= ylen:
            break
        n -= ylen
        y += 1
    for m in range(1, 13):
        mlen = DAYS_IN_MONTH[m - 1] + (1 if m == 2 and y % 4 == 0 else 0)
        if n <= mlen:
            return "%04d-%02d-%02d" % (y, m, n)
        n -= mlen
    raise ValueError(n)


def rand_date(rng, lo, hi):
    return date_from(rng.randint(ordinal(lo), ordinal(hi)))


def yuan_to_cell(rng, yuan):
    """Format a whole-yuan amount the way exports do: 元, 万元 or 亿, with or without separators."""
    style = rng.random()
    if yuan % 10000 == 0 and style < 0.45:
        wan = yuan // 10000
        if wan % 10000 == 0 and style < 0.15:
            return "%d亿" % (wan // 10000)
        return ("{:,}万元" if wan >= 1000 and style < 0.3 else "{}万元").format(wan)
    if style < 0.7:
        return "{:,}".format(yuan) + ("元" if style < 0.6 else "")
    if style < 0.85:
        return "%d.%02d" % (yuan, rng.choice([0, 0, 50, 25]))
    return str(yuan)


def wan(rng, lo, hi, step=1):
    """A random amount in 元, a multiple of step 万元."""
    return rng.randrange(lo, hi + 1, step) * 10000


class Enterprise:
    """Profile of enterprise number k; finance firms are k % 3 == 0."""

    def __init__(self, k):
        r = random.Random("wuchang-2022-enterprise-%d" % k)
        self.k = k
        self.finance = k % 3 == 0
        body = "".join(r.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        self.id = "91420106" + body + r.choice("0123456789X")
        head = NAME_HEAD[k % len(NAME_HEAD)] + ("" if k < len(NAME_HEAD) else NAME_HEAD[(k // len(NAME_HEAD)) % len(NAME_HEAD)])
        self.district = "武昌区" if r.random() < 0.95 else r.choice(["洪山区", "江汉区", "东湖高新区"])
        self.blacklisted = r.random() < 0.03
        self.contribution = wan(r, 20, 600, 5)
        if self.finance:
            self.inst = r.choice(FIN_TYPES)
            self.name = "武汉" + head + FIN_TAIL[self.inst]
            self.org_form = r.choice(["法人总部", "区域总部", "分支机构", "分支机构"])
            self.industry = {"银行": "J6621", "证券": "J6711", "保险": "J6813", "基金": "J6712",
                             "期货": "J6714", "信托": "J6631"}[self.inst]
            self.established = rand_date(r, "2020-06-01", "2022-02-28")
            self.capital = wan(r, 5000, 30000, 500)
            self.employees = r.randint(30, 900)
        else:
            self.inst = ""
            self.name = "武汉" + head + r.choice(COM_TAIL)
            self.org_form = ""
            self.industry = r.choice(COM_INDUSTRY)
            self.established = rand_date(r, "2008-01-01", "2021-06-30")
            self.capital = wan(r, 100, 5000, 100)
            self.employees = r.randint(8, 400)
        prev = wan(r, 5000, 400000, 100)
        self.sales_prev = prev
        self.sales = prev + wan(r, 2000, 60000, 100)
        rprev = wan(r, 300, 12000, 10)
        self.retail_prev = rprev
        self.retail = rprev + rprev * r.randint(4, 45) // 100
        oprev = wan(r, 500, 20000, 10)
        self.online_prev = oprev
        self.online = oprev + wan(r, 500, 30000, 10)


def blank_row():
    return dict.fromkeys(FIELDS, "")


def base_row(rng, e, policy, app_no):
    row = blank_row()
    lo, hi = WINDOWS.get(policy, ("2022-02-01", "2022-11-30"))
    lo, hi = max(lo, "2022-02-01"), min(hi, "2022-11-30")
    row.update({
        "app_id": "WC2022-%05d" % app_no,
        "enterprise_id": e.id,
        "enterprise_name": e.name,
        "policy": policy,
        "submitted_on": rand_date(rng, lo, hi),
        "district": e.district,
        "industry_code": e.industry,
        "established_on": e.established,
        "blacklisted": "true" if e.blacklisted else rng.choice(["", "", "false", "FALSE"]),
    })
    return row


def fill_policy(rng, row, e, policy):
    """Fill the cells a policy needs, with values that mostly qualify."""
    money = lambda y: yuan_to_cell(rng, y)
    if policy in ("FIN-HQ", "FIN-REGIONAL", "FIN-BRANCH"):
        row["institution_type"] = e.inst
        row["org_form"] = {"FIN-HQ": "法人总部", "FIN-REGIONAL": "区域总部", "FIN-BRANCH": "分支机构"}[policy]
        cap = e.capital if policy != "FIN-HQ" else wan(rng, 10000, 25000, 500)
        row["paid_in_capital"] = money(cap)
    elif policy == "FIN-BUY":
        row["institution_type"] = e.inst
        row["office_area"] = rng.choice(["%d" % rng.randint(200, 1200), "%d.%02d" % (rng.randint(200, 1200), rng.randint(0, 99))])
    elif policy == "FIN-RENT":
        row["institution_type"] = e.inst
        row["annual_rent"] = money(rng.randint(200000, 2000000))
    elif policy == "FIN-LIST":
        row["listing_board"] = rng.choice(["主板", "创业板", "科创板", "北交所"])
        row["listed_on"] = rand_date(rng, "2021-07-01", "2022-09-30")
    elif policy == "FIN-LOAN":
        row["employees"] = str(min(e.employees, 299))
        row["loan_amount"] = money(wan(rng, 100, 3000, 50))
        row["loan_term_months"] = str(rng.choice([6, 12, 12, 18, 24]))
    elif policy == "FIN-GUAR":
        row["guarantee_amount"] = money(wan(rng, 50, 1200, 10))
    elif policy in ("COM-PL-INC", "COM-PL-STOCK"):
        row["industry_code"] = e.industry if e.industry.startswith("F5") else "F5137"
        row["营业收入"] = money(e.sales)
        row["上年营业收入"] = money(e.sales_prev)
        row["区级贡献"] = money(e.contribution)
        if policy == "COM-PL-STOCK" and e.sales < 2000000000:
            big = wan(rng, 200000, 600000, 1000)
            row["营业收入"] = money(big)
            row["上年营业收入"] = money(big - wan(rng, 1000, 40000, 100))
    elif policy == "COM-XS":
        row["stats_entered_on"] = rand_date(rng, "2021-10-01", row["submitted_on"])
        if ordinal(row["submitted_on"]) - ordinal(row["stats_entered_on"]) > 330:
            row["stats_entered_on"] = row["submitted_on"][:8] + "01"
    elif policy == "COM-RETAIL":
        row["industry_code"] = "F52" + e.industry[3:] if e.industry.startswith("F5") else "F5211"
        row["retail_sales"] = money(e.retail)
        row["retail_sales_prev"] = money(e.retail_prev)
    elif policy == "COM-FIRST-STORE":
        row["store_level"] = rng.choice(["全国首店", "华中首店", "华中首店", "武汉首店", "武汉首店"])
        row["store_investment"] = money(wan(rng, 100, 600, 10))
        row["lease_years"] = rng.choice(["2", "3", "5", ""])  # empty -> default 0 -> fails
        if row["lease_years"] == "" and rng.random() < 0.7:
            row["lease_years"] = "3"
    elif policy == "COM-ECOM":
        row["online_sales"] = money(e.online)
        row["online_sales_prev"] = money(e.online_prev)


FAILS = {  # policy -> (column, value) that fails a clause
    "FIN-HQ": ("paid_in_capital", "8,000万元"),
    "FIN-REGIONAL": ("paid_in_capital", "3000万元"),
    "FIN-BRANCH": ("org_form", "区域总部"),
    "FIN-BUY": ("institution_type", "融资租赁"),
    "FIN-RENT": ("established_on", "2015-05-20"),
    "FIN-LIST": ("listing_board", "港交所"),
    "FIN-LOAN": ("loan_term_months", "36"),
    "FIN-GUAR": ("district", "洪山区"),
    "COM-PL-INC": ("上年营业收入", None),  # increase below 5000万
    "COM-PL-STOCK": ("营业收入", "15亿"),
    "COM-XS": ("stats_entered_on", "2020-12-01"),
    "COM-RETAIL": ("retail_sales", None),  # growth below the band's gate
    "COM-FIRST-STORE": ("store_level", "社区店"),
    "COM-ECOM": ("online_sales_prev", None),
}
NEEDS = {  # policy -> cells that, left empty, make it incomplete
    "FIN-HQ": ["paid_in_capital", "established_on"], "FIN-REGIONAL": ["paid_in_capital"],
    "FIN-BRANCH": ["paid_in_capital"], "FIN-BUY": ["office_area"], "FIN-RENT": ["annual_rent"],
    "FIN-LIST": ["listed_on"], "FIN-LOAN": ["loan_amount", "employees"], "FIN-GUAR": ["guarantee_amount"],
    "COM-PL-INC": ["区级贡献", "上年营业收入"], "COM-PL-STOCK": ["区级贡献"], "COM-XS": ["stats_entered_on"],
    "COM-RETAIL": ["retail_sales_prev"], "COM-FIRST-STORE": ["store_investment"], "COM-ECOM": ["online_sales"],
}
BAD_CELLS = [  # (column, malformed value)
    ("paid_in_capital", "1,23万元"), ("annual_rent", "abc"), ("submitted_on", "2022-02-30"),
    ("office_area", "12.3.4"), ("loan_term_months", "12.5"), ("blacklisted", "是"),
    ("guarantee_amount", "1.2345678万"), ("营业收入", "5万美元"), ("retail_sales", "1e7"),
    ("established_on", "2021/05/01"),
]
BAD_FOR = {"paid_in_capital": "FIN-HQ", "annual_rent": "FIN-RENT", "office_area": "FIN-BUY",
           "loan_term_months": "FIN-LOAN", "guarantee_amount": "FIN-GUAR", "营业收入": "COM-PL-INC",
           "retail_sales": "COM-RETAIL"}


def apply_fail(rng, row, policy):
    col, val = FAILS[policy]
    if val is not None:
        row[col] = val
    elif policy == "COM-PL-INC":
        row["上年营业收入"] = row["营业收入"]  # no increase at all
    elif policy == "COM-RETAIL":
        row["retail_sales"] = row["retail_sales_prev"]
    elif policy == "COM-ECOM":
        row["online_sales_prev"] = row["online_sales"]


def rows(n):
    """Yield n application rows (dicts), one at a time."""
    rng = random.Random(2022)
    pool = max(60, n // 3)
    schedule = [p for p, w in POLICY_WEIGHTS for _ in range(w)]
    pending = []          # at most one follow-up row (rent after buy, repeat of a once policy)
    last_app_id = None
    app_no = 0
    made = 0
    while made < n:
        if pending:
            row = pending.pop()
            yield row
            made += 1
            last_app_id = row["app_id"]
            continue
        if app_no % len(schedule) == 0:               # every policy appears in each cycle
            rng.shuffle(schedule)
        policy = schedule[app_no % len(schedule)]
        fin = policy in FINANCE
        k = 3 * rng.randrange(pool // 3) + (0 if fin else rng.choice([1, 2]))
        e = Enterprise(k)
        app_no += 1
        row = base_row(rng, e, policy, app_no)
        fill_policy(rng, row, e, policy)
        kind = rng.random()
        if kind < 0.07:                                   # fails a clause
            apply_fail(rng, row, policy)
        elif kind < 0.11:                                 # a needed cell left empty -> incomplete
            row[rng.choice(NEEDS[policy])] = ""
        elif kind < 0.15:                                # malformed cell -> invalid
            col, bad = rng.choice(BAD_CELLS)
            if col in BAD_FOR and BAD_FOR[col] != policy:
                row = base_row(rng, e, BAD_FOR[col], app_no)
                fill_policy(rng, row, e, BAD_FOR[col])
            row[col] = bad
        elif kind < 0.16:                                # unknown 申报事项
            row["policy"] = rng.choice(["COM-EXPO", "FIN-IPO-2021", "COM-SHOW"])
        elif kind < 0.19:                                # 免申即享: no policy named
            row["policy"] = ""
        elif kind < 0.215 and policy in WINDOWS:           # outside the policy window
            lo, hi = WINDOWS[policy]
            row["submitted_on"] = "2022-12-28" if hi < "2022-12-28" else "2021-12-30"
        elif kind < 0.225 and last_app_id is not None:     # app_id reused by the export
            row["app_id"] = last_app_id
        elif kind < 0.6 and policy == "FIN-BUY":         # 租购二选一: the same firm asks for both
            app_no += 1
            rent = base_row(rng, e, "FIN-RENT", app_no)
            rent["submitted_on"] = row["submitted_on"]
            fill_policy(rng, rent, e, "FIN-RENT")
            pending.append(rent)
        elif 0.6 <= kind < 0.7 and policy in ("COM-XS", "FIN-LOAN", "COM-PL-INC"):
            app_no += 1                                   # applies again (once / per-enterprise cap)
            again = dict(row)
            again["app_id"] = "WC2022-%05d" % app_no
            again["submitted_on"] = rand_date(rng, row["submitted_on"], "2022-11-30")
            pending.append(again)
        if policy == "COM-PL-INC" and rng.random() < 0.3 and not pending and kind >= 0.225:
            app_no += 1                                   # 存量 + 增量 stacked by a big firm
            stock = dict(row)
            stock["app_id"] = "WC2022-%05d" % app_no
            stock["policy"] = "COM-PL-STOCK"
            big = wan(rng, 200000, 600000, 1000)
            stock["营业收入"] = yuan_to_cell(rng, big)
            stock["上年营业收入"] = yuan_to_cell(rng, big - wan(rng, 6000, 40000, 100))
            row["营业收入"], row["上年营业收入"] = stock["营业收入"], stock["上年营业收入"]
            pending.append(stock)
        yield row
        made += 1
        last_app_id = row["app_id"]


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    if len(argv) == 2:
        # never overwrite the committed example batch by accident
        sys.exit("usage: gen-applications.py [N OUT.csv]   (no arguments: rewrite examples/applications-2022.csv)")
    n = int(argv[1]) if len(argv) > 1 else 320
    out = argv[2] if len(argv) > 2 else os.path.join(here, "applications-2022.csv")
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([title for _, title in COLUMNS])
        for row in rows(n):
            w.writerow([row[k] for k in FIELDS])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
