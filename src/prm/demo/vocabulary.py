"""Words the demo program is made of: invented Korean companies, people, regions and notes.

Every company here is fictional. Names are built from a prefix and a business word, each
with its romanisation, so that a company has a Korean name, an English name and an e-mail
domain that agree with each other.
"""

# (Korean, romanised)
NAME_PREFIXES: tuple[tuple[str, str], ...] = (
    ("한빛", "Hanbit"),
    ("누리", "Nuri"),
    ("새한", "Saehan"),
    ("대한", "Daehan"),
    ("미래", "Mirae"),
    ("동방", "Dongbang"),
    ("세진", "Sejin"),
    ("태양", "Taeyang"),
    ("푸른", "Pureun"),
    ("가온", "Gaon"),
    ("한결", "Hangyeol"),
    ("다온", "Daon"),
    ("보람", "Boram"),
    ("솔빛", "Solbit"),
    ("아름", "Areum"),
    ("청운", "Cheongun"),
    ("해솔", "Haesol"),
    ("우리", "Uri"),
    ("신성", "Sinseong"),
    ("대성", "Daeseong"),
    ("한울", "Hanul"),
    ("서광", "Seogwang"),
    ("제일", "Jeil"),
    ("동양", "Dongyang"),
    ("금강", "Geumgang"),
    ("한라", "Halla"),
    ("백두", "Baekdu"),
    ("은하", "Eunha"),
    ("하늘", "Haneul"),
    ("나래", "Narae"),
    ("초록", "Chorok"),
    ("별빛", "Byeolbit"),
    ("다산", "Dasan"),
    ("세종", "Sejong"),
    ("광명", "Gwangmyeong"),
    ("태평", "Taepyeong"),
    ("삼진", "Samjin"),
    ("영진", "Yeongjin"),
    ("아세아", "Asea"),
    ("온누리", "Onnuri"),
)

# (Korean, English, industry, the partner types such a business usually has)
BUSINESSES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("소프트", "Soft", "소프트웨어", ("technology", "reseller", "referral")),
    ("테크", "Tech", "IT 서비스", ("service", "reseller", "technology")),
    ("시스템", "Systems", "시스템 통합", ("service", "reseller", "distributor")),
    ("정보통신", "ICT", "정보통신", ("distributor", "reseller", "service")),
    ("네트웍스", "Networks", "네트워크 장비", ("distributor", "reseller", "oem")),
    ("솔루션", "Solutions", "IT 서비스", ("reseller", "service", "referral")),
    ("데이터", "Data", "데이터 분석", ("technology", "service", "referral")),
    ("클라우드", "Cloud", "클라우드", ("technology", "reseller", "service")),
    ("보안", "Security", "정보보안", ("technology", "reseller", "oem")),
    ("물류", "Logistics", "물류", ("supplier", "service")),
    ("전자", "Electronics", "전자부품", ("supplier", "oem")),
    ("정밀", "Precision", "기계·정밀", ("supplier", "oem")),
    ("산업", "Industries", "제조", ("supplier", "oem", "distributor")),
    ("화학", "Chemical", "화학", ("supplier",)),
    ("반도체", "Semiconductor", "반도체", ("supplier", "oem", "technology")),
    ("모빌리티", "Mobility", "자동차 부품", ("supplier", "oem")),
    ("유통", "Distribution", "유통", ("distributor", "reseller")),
    ("상사", "Trading", "무역", ("distributor", "supplier", "reseller")),
    ("컨설팅", "Consulting", "컨설팅", ("referral", "service")),
    ("식품", "Foods", "식품·음료", ("supplier", "distributor")),
    ("에너지", "Energy", "에너지", ("supplier", "service")),
    ("인터내셔널", "International", "무역", ("distributor", "referral")),
    ("디자인", "Design", "마케팅·디자인", ("service", "referral")),
    ("메디칼", "Medical", "의료기기", ("supplier", "reseller", "distributor")),
    ("로보틱스", "Robotics", "로봇·자동화", ("technology", "oem", "supplier")),
)

# Korean legal-name patterns; most Korean partners are joint-stock companies.
LEGAL_FORMS: tuple[tuple[str, int], ...] = (
    ("주식회사 {name}", 40),
    ("{name} 주식회사", 25),
    ("(주){name}", 25),
    ("유한회사 {name}", 7),
    ("{name} 유한회사", 3),
)
# How the display name is written: without the legal form, or with it as people type it.
DISPLAY_FORMS: tuple[tuple[str, int], ...] = (
    ("{name}", 75),
    ("(주){name}", 14),
    ("㈜{name}", 4),
    ("{name}(주)", 7),
)

# Region → (telephone area code, weight): where Korean partners are.
KOREAN_REGIONS: tuple[tuple[str, str, int], ...] = (
    ("서울", "02", 34),
    ("경기", "031", 20),
    ("인천", "032", 5),
    ("부산", "051", 7),
    ("대구", "053", 5),
    ("대전", "042", 5),
    ("광주", "062", 4),
    ("울산", "052", 3),
    ("세종", "044", 2),
    ("제주", "064", 2),
    ("강원", "033", 2),
    ("충북", "043", 2),
    ("충남", "041", 2),
    ("전북", "063", 2),
    ("전남", "061", 1),
    ("경북", "054", 2),
    ("경남", "055", 2),
)

# (Korean, romanised)
SURNAMES: tuple[tuple[str, str], ...] = (
    ("김", "kim"),
    ("이", "lee"),
    ("박", "park"),
    ("최", "choi"),
    ("정", "jung"),
    ("강", "kang"),
    ("조", "cho"),
    ("윤", "yoon"),
    ("장", "jang"),
    ("임", "lim"),
    ("한", "han"),
    ("오", "oh"),
    ("서", "seo"),
    ("신", "shin"),
    ("권", "kwon"),
    ("황", "hwang"),
    ("안", "ahn"),
    ("송", "song"),
    ("류", "ryu"),
    ("홍", "hong"),
)
GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("민준", "minjun"),
    ("서연", "seoyeon"),
    ("지훈", "jihun"),
    ("하은", "haeun"),
    ("도윤", "doyun"),
    ("지우", "jiwoo"),
    ("예준", "yejun"),
    ("수빈", "subin"),
    ("현우", "hyunwoo"),
    ("지민", "jimin"),
    ("성민", "sungmin"),
    ("은지", "eunji"),
    ("준호", "junho"),
    ("유진", "yujin"),
    ("동현", "donghyun"),
    ("소영", "soyoung"),
    ("재원", "jaewon"),
    ("혜진", "hyejin"),
    ("상훈", "sanghun"),
    ("미경", "mikyung"),
    ("영수", "youngsoo"),
    ("정희", "junghee"),
    ("태현", "taehyun"),
    ("나연", "nayeon"),
    ("승우", "seungwoo"),
    ("다은", "daeun"),
)

# Job titles with the contact roles they usually carry.
KOREAN_TITLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("대표이사", ("executive",)),
    ("영업이사", ("executive", "sales")),
    ("영업팀장", ("sales",)),
    ("영업팀 과장", ("sales",)),
    ("기술지원팀장", ("technical",)),
    ("기술연구소 책임연구원", ("technical",)),
    ("구매팀 과장", ("purchasing",)),
    ("재무팀 대리", ("billing",)),
    ("마케팅팀 매니저", ("sales",)),
    ("법무팀 차장", ("legal",)),
    ("경영지원팀 부장", ("billing", "legal")),
)

FIRST_NAMES_EN: tuple[str, ...] = (
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Sophie",
    "Lucas",
    "Mia",
    "Daniel",
    "Hannah",
    "James",
    "Laura",
    "Thomas",
    "Clara",
    "David",
    "Julia",
    "Martin",
)
LAST_NAMES_EN: tuple[str, ...] = (
    "Miller",
    "Schmidt",
    "Dubois",
    "Wilson",
    "Rossi",
    "Jensen",
    "Taylor",
    "Novak",
    "Brown",
    "Garcia",
    "Walker",
    "Lambert",
    "Fischer",
    "Clarke",
)
ENGLISH_TITLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Managing Director", ("executive",)),
    ("Sales Manager", ("sales",)),
    ("Key Account Manager", ("sales",)),
    ("Technical Lead", ("technical",)),
    ("Purchasing Manager", ("purchasing",)),
    ("Accounts Payable", ("billing",)),
    ("Legal Counsel", ("legal",)),
)

# Foreign companies invented for when the real-data sets are not available:
# (name, country, region, industry, types)
FOREIGN_FALLBACK: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("Meridian Components GmbH", "DE", "Bayern", "전자부품", ("supplier", "oem")),
    ("Kaito Precision K.K.", "JP", "Osaka", "기계·정밀", ("supplier",)),
    ("Atlas Cloud Inc.", "US", "California", "클라우드", ("technology", "referral")),
    ("Harbor Freight Partners Pte. Ltd.", "SG", "Singapore", "물류", ("service", "supplier")),
    ("Saigon Digital JSC", "VN", "Ho Chi Minh City", "IT 서비스", ("reseller", "service")),
    ("Nordlys Data AS", "NO", "Oslo", "데이터 분석", ("technology",)),
    ("Pacific Rim Distribution Ltd.", "AU", "New South Wales", "유통", ("distributor",)),
    ("Lumen Security SAS", "FR", "Île-de-France", "정보보안", ("technology", "oem")),
    ("Formosa Semicon Co., Ltd.", "TW", "Hsinchu", "반도체", ("supplier", "oem")),
    ("Maple Systems Integration Inc.", "CA", "Ontario", "시스템 통합", ("reseller", "service")),
    ("Shenzhen Bright Electronics Co., Ltd.", "CN", "Guangdong", "전자부품", ("supplier",)),
    ("Thames Consulting Ltd.", "GB", "England", "컨설팅", ("referral",)),
)

# Tags and how often a partner carries each.
TAGS: tuple[tuple[str, int], ...] = (
    ("전략 파트너", 10),
    ("신규", 12),
    ("핵심 공급사", 8),
    ("공공 부문", 6),
    ("수출", 8),
    ("클라우드", 8),
    ("ISO 9001", 10),
    ("ESG 평가 대상", 6),
    ("재계약 검토", 6),
    ("교육 필요", 6),
)

# Marks the partner entered twice, so that the merge can be found in the demo.
DUPLICATE_TAG = "중복 확인"

INTERACTION_SUMMARIES: dict[str, tuple[str, ...]] = {
    "call": (
        "분기 판매 실적 확인 통화. 상세 자료는 다음 주에 공유하기로 함.",
        "신규 가격 정책 안내. 특별한 이의 없음.",
        "납기 지연 건 확인 — 2주 안에 정상화하겠다는 답변.",
        "기술 지원 요청 건 후속 통화. 원인 파악 완료, 패치 일정 안내.",
        "재고 현황 및 다음 달 발주 예상 물량 확인.",
    ),
    "meeting": (
        "분기 리뷰 미팅: 목표 대비 실적 점검, 하반기 공동 마케팅 계획 논의.",
        "신제품 로드맵 설명회. 데모 장비 대여 요청 받음.",
        "계약 갱신 조건 1차 협의. 단가 3% 인하 요청 — 내부 검토 후 회신 예정.",
        "온보딩 킥오프 미팅: 양사 담당자 지정, 교육 일정 합의.",
        "공동 고객사 제안 준비 회의. 역할 분담 확정.",
    ),
    "email": (
        "등급 심사 결과 안내 메일 발송.",
        "필수 서류(사업자등록증, 보험증권) 제출 요청.",
        "파트너 교육 일정 공지 및 참석자 명단 요청.",
        "견적 요청에 대한 회신 — 수량별 단가표 첨부.",
        "만료 예정 인증서 갱신 요청 메일 발송.",
    ),
    "chat": (
        "딜 등록 방법 문의에 답변.",
        "포털 로그인 문제 — 비밀번호 재설정 안내.",
        "제품 호환성 질문에 기술 문서 링크 전달.",
        "프로모션 적용 기간 확인 요청에 답변.",
    ),
    "visit": (
        "본사 방문: 생산 라인과 품질 관리 현황 점검.",
        "지점 방문 — 매장 진열 상태와 재고 확인.",
        "물류 센터 방문. 출고 프로세스 개선안 공유.",
        "경영진 상견례 방문. 내년도 사업 계획 공유.",
    ),
}
