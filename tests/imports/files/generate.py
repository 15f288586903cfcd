"""Writes the small fixture files next to this script: `python tests/imports/files/generate.py`.

Kept so the files can be rebuilt and read as code; the tests use the files themselves.
"""

import csv
import io
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent

KO_HEADERS = [
    "상호",
    "법인명",
    "사업자등록번호",
    "유형",
    "등급",
    "단계",
    "국가",
    "지역",
    "업종",
    "웹사이트",
    "이메일 도메인",
    "태그",
    "메모",
    "외부 ID",
]
KO_ROWS = [
    [
        "한빛소프트",
        "(주)한빛소프트",
        "105-87-12345",
        "공급사, 기술 파트너",
        "골드",
        "활성",
        "KR",
        "서울",
        "소프트웨어",
        "www.hanbitsoft.co.kr",
        "hanbitsoft.co.kr",
        "핵심; 2024",
        "연간 계약 갱신",
        "ERP-001",
    ],
    [
        "두리정밀",
        "두리정밀 주식회사",
        "214-86-54322",
        "공급사",
        "실버",
        "온보딩",
        "대한민국",
        "경기",
        "제조",
        "",
        "duri.kr",
        "",
        "",
        "ERP-002",
    ],
    [
        "세움유통",
        "",
        "120-81-45673",
        "총판; 리셀러",
        "",
        "",
        "",
        "부산",
        "유통",
        "https://seum.example.kr",
        "",
        "",
        "",
        "",
    ],
]


def csv_text(headers, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    text = csv_text(KO_HEADERS, KO_ROWS)
    (HERE / "partners_ko_cp949.csv").write_bytes(text.encode("cp949"))
    (HERE / "partners_ko_bom.csv").write_bytes(text.encode("utf-8-sig"))

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "registration_number", "types", "stage", "country", "owner e-mail"])
    sheet.append(["Hanbit Soft", 1058712345, "supplier", "active", "Korea", ""])
    sheet.append(["Nordic Parts AB", "", "Supplier; OEM", "candidate", "Sweden", ""])
    workbook.save(HERE / "partners.xlsx")

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "types", "notes"])
    sheet.append(["Formula Inc", "reseller", "fine"])
    sheet.append(["Sum Corp", "reseller", "=1+1"])
    workbook.save(HERE / "partners_formula.xlsx")

    contacts = csv_text(
        ["파트너", "이름", "직함", "이메일", "전화번호", "역할", "포털 접근"],
        [
            [
                "105-87-12345",
                "김민준",
                "영업팀장",
                "minjun.kim@hanbitsoft.co.kr",
                "010-2345-6789",
                "영업, primary",
                "예",
            ],
            ["한빛소프트", "이서연", "구매 담당", "", "02-555-0199", "Purchasing", "아니오"],
        ],
    )
    (HERE / "contacts_ko_bom.csv").write_bytes(contacts.encode("utf-8-sig"))


if __name__ == "__main__":
    main()
