"""Synthetic but valid records for tests and benchmarks: every kind of student, fixed seed."""

from __future__ import annotations

import random
from pathlib import Path

KINDS = ("student-status", "jsps-dc1", "jsps-dc2-hourly", "permanent", "mext", "ra", "special", "japanese")
FAMILIES = [("NGUYEN", "グエン"), ("TANAKA", "田中"), ("WANG", "王"), ("SUZUKI", "鈴木"), ("KIM", "金"),
            ("YILDIZ", "ユルドゥズ"), ("HANSEN", "ハンセン"), ("SATO", "佐藤"), ("YAMASAKI", "山﨑")]
GIVENS = [("Lan", "ラン"), ("Kenta", "健太"), ("Wei", "偉"), ("Misaki", "美咲"), ("Minjun", "ミンジュン"),
          ("Ayse", "アイシェ"), ("Ingrid", "イングリッド"), ("Hanako", "花子")]
COUNTRIES = {"student-status": "VN", "permanent": "CN", "mext": "IN", "ra": "TR"}
PREFS = ["Kanagawa", "Tokyo", "Shizuoka", "Aichi", "Osaka", "Hokkaido", "Fukuoka", "Okinawa"]


def student_yaml(n: int, kind: str, rng: random.Random, family_ja: str | None = None) -> str:
    fam, fam_ja = rng.choice(FAMILIES)
    giv, giv_ja = rng.choice(GIVENS)
    sid = f"S{n:05d}"
    nat = COUNTRIES.get(kind, "JP")
    lines = [
        "kind: student", f"id: {sid}",
        f"name: {{family: {fam}, given: {giv}, family_ja: {family_ja or fam_ja}, given_ja: {giv_ja}}}",
        f"sex: {rng.choice(['female', 'male'])}", f"birth_date: 199{rng.randint(0, 9)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        f"nationality: {nat}", f"email: s{n}@example.ac.jp", "phone: 080-1234-5678",
        f"address: {{postal_code: 240-0193, prefecture: {rng.choice(PREFS)}, ja: 神奈川県三浦郡葉山町湘南国際村{n},"
        f" en: \"{n} Shonan Village, Hayama\"}}",
        "program: {name_ja: 情報学コース, name_en: Informatics Program, institute_ja: 国立情報学研究所,",
        "          institute_en: National Institute of Informatics, degree: doctoral, course: five-year, year: 3,",
        "          enrolled_on: 2023-04-01, expected_completion_on: 2028-03-31}",
        "supervisor: {name_ja: 佐々木 一郎, name_en: Ichiro SASAKI, email: sasaki@example.ac.jp}",
    ]
    if nat != "JP":
        status = {"student-status": "student", "mext": "student", "ra": "student"}.get(kind, "permanent_resident")
        lines += [f"residence: {{status: {status}, expires_on: 2029-09-30, card_number: AB{n:08d}CD,",
                  "            passport: {number: C1234567, expires_on: 2031-01-01}}"]
    funding = {
        "jsps-dc1": f"{{jsps: {{category: DC1, fellow_number: 24KJ{n:04d}, host_researcher_ja: 森 真理, "
                    "host_researcher_en: Mari MORI, host_consent_on: 2026-03-15}}",
        "jsps-dc2-hourly": f"{{jsps: {{category: DC2, fellow_number: 25KJ{n:04d}, host_researcher_ja: 森 真理, "
                           "host_researcher_en: Mari MORI, host_consent_on: 2026-03-15}}",
        "mext": "{mext_scholarship: true}", "ra": "{research_assistant: true}",
        "special": "{sokendai_special_researcher: pioneering}",
    }.get(kind)
    if funding:
        lines.append(f"funding: {funding}")
    lines.append("insurance: {gakkensai: true, gakkenbai: true}")
    return "\n".join(lines) + "\n"


def internship_yaml(sid: str, iid: str, kind: str, start_month: int, rng: random.Random,
                    evaluated: bool) -> str:
    hourly = kind == "jsps-dc2-hourly"
    pay = "{amount: 1800, per: hour}" if hourly else f"{{amount: {rng.choice([250000, 300000])}, per: month}}"
    end_month = start_month + 2
    lines = [
        "kind: internship", f"id: {iid}", f"student: {sid}", f"job_description: JD-{iid}",
        "company: {name_ja: AT&T <Japan> 株式会社, name_en: AT&T <Japan> K.K., address_ja: 東京都港区虎ノ門4-1-1,",
        "          address_en: \"4-1-1 Toranomon, Minato-ku, Tokyo\", phone: 03-5555-0188, industry_ja: 情報通信業,",
        "          industry_en: Information and communications}",
        "title_ja: 研究インターン（機械学習）", "title_en: Research Intern (Machine Learning)",
        "duties_ja: 大規模言語モデルの評価手法に関する研究開発",
        "duties_en: Research and development of evaluation methods for large language models",
        "workplace: {address_ja: 東京都港区虎ノ門4-1-1, address_en: \"4-1-1 Toranomon, Minato-ku, Tokyo\"}",
        f"period: {{start: 2026-{start_month:02d}-01, end: 2026-{end_month:02d}-{30 if end_month in (4, 6, 9, 11) else 31}}}",
        "hours_per_week: 30", f"pay: {pay}",
    ]
    if not hourly:
        lines.append("payments:")
        lines += [f"  - {{paid_on: 2026-{m:02d}-25, amount: 250000}}" for m in range(start_month, end_month + 1)]
    # the flow up to the course registration, in order: the permit (applied for on Feb 1) needs the contract
    lines += ["credits: 2", "steps: {supervisor_approved_on: 2026-01-20, applied_on: 2026-01-25, "
              "accepted_on: 2026-01-27, contract_signed_on: 2026-01-28, course_registered_on: 2026-01-30}"]
    if kind in ("student-status", "mext", "ra"):
        lines.append("work_permit: {applied_on: 2026-02-01, granted_on: 2026-02-20}")
    if evaluated:
        lines += ["evaluation: {received_on: 2026-12-10, evaluator: {name_ja: 鈴木 大輔, name_en: Daisuke SUZUKI},",
                  "  ratings: {research: 4, problem_solving: 5, practical: 4, communication: 3, initiative: 5},",
                  "  attendance_days: 62, hours_total: 372}"]
    return "\n".join(lines) + "\n"


INSTITUTION = """\
kind: institution
signatory_name_ja: 総研 太郎
signatory_name_en: Taro SOKEN
secretariat_email: internship@example.soken.ac.jp
"""


def generate(folder: Path, n: int, seed: int = 1, bad: set[int] = frozenset()) -> list[str]:
    """Write n students (one file each, one or two internships) into folder; return the student ids.

    Students whose number is in `bad` have a Japanese name with a character no font draws (U+0F00)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for n_ in range(n):
        kind = KINDS[n_ % len(KINDS)]
        sid = f"S{n_:05d}"
        docs = [student_yaml(n_, kind, rng, "ༀ山" if n_ in bad else None)]
        count = 2 if kind == "jsps-dc1" else 1
        for k in range(count):
            docs.append(internship_yaml(sid, f"I{n_:05d}-{k}", kind, 4 + 4 * k, rng, evaluated=(n_ % 3 == 0)))
        (folder / f"{sid}.yaml").write_text("---\n".join(docs), "utf-8")
        ids.append(sid)
    # the issuing institution, as a secretariat keeps it (the evaluation request needs its e-mail)
    (folder / "institution.yaml").write_text(INSTITUTION, "utf-8")
    return ids
