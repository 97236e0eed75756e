"""Generate the PDF documents of the sample Northwind Labs knowledge base.

Usage (from the repository root, with fpdf2 installed):

    python examples/make_pdfs.py

Writes three PDFs under examples/kb/. Output is deterministic: the creation
date is fixed and no random identifiers are used, so re-running the script
produces byte-identical files. Only the PDF core fonts (Helvetica) are used,
so every string must be latin-1; the script checks this before rendering.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

KB_DIR = Path(__file__).resolve().parent / "kb"
CREATION_DATE = datetime(2026, 1, 1, tzinfo=UTC)
LINE_H = 5.6  # body line height in mm

# A document is a list of blocks:
#   ("title", text)            large bold title (page 1)
#   ("meta", text)             small grey line under the title
#   ("h2", text) / ("h3", text) bold headings
#   ("p", text)                paragraph (supports **bold**)
#   ("ul", [item, ...])        bulleted list (items support **bold**)
#   ("ol", [item, ...])        numbered list
#   ("table", [header, row, ...], (col widths in mm))

PTO_POLICY = {
    "path": "hr/pto-and-leave-policy.pdf",
    "title": "Paid Time Off and Leave Policy",
    "subject": "Vacation, holidays, sick leave, bereavement and other leave types",
    "author": "Northwind Labs People Team",
    "blocks": [
        ("title", "Paid Time Off and Leave Policy"),
        ("meta", "Owner: People Team (Dana Whitfield, VP People)  |  Effective 1 January 2026  |  Version 5"),
        ("h2", "1. Purpose and scope"),
        ("p", ("Northwind Labs wants everyone to take real time away from work to rest and recharge. "
              "This policy covers paid time off (PTO), company holidays, sick leave, bereavement leave, "
              "jury duty, Community Days, sabbaticals and unpaid leave. It applies to all regular "
              "full-time and part-time employees in the United States and Ireland. Part-time employees "
              "accrue PTO pro-rated to their scheduled hours. Contractors and interns are covered by "
              "their own agreements.")),
        ("p", ("Parental leave is described in a separate document, the **Parental Leave Policy**. "
              "Where local law gives you more than this policy, local law applies.")),
        ("h2", "2. PTO accrual"),
        ("h3", "United States"),
        ("p", ("PTO accrues every semi-monthly pay period, starting on your first day. The annual amount "
              "depends on your length of service:")),
        ("table", [
            ["Length of service", "PTO per year", "Accrual per pay period"],
            ["Less than 3 years", "18 days", "0.75 days"],
            ["3 to 5 years", "22 days", "0.92 days"],
            ["6 years or more", "26 days", "1.08 days"],
        ], (70, 45, 55)),
        ("p", ("The higher rate starts on the first pay period after your work anniversary. Your PTO "
              "balance is shown in Workday under **Time Off > My Balances**.")),
        ("h3", "Ireland"),
        ("p", ("Employees in Ireland receive **25 days** of annual leave per leave year (January to "
              "December), rising to **27 days** after 5 years of service, in addition to Irish public "
              "holidays. Annual leave accrues monthly.")),
        ("h2", "3. Carryover and balance cap"),
        ("ul", [
            "You can carry over up to **5 unused days** into the next calendar year.",
            ("Carried-over days must be used by **31 March**; any carried-over days left after that "
            "date are forfeited."),
            ("In the US, your balance cannot exceed **30 days**. When you reach 30 days, accrual "
            "pauses until you take time off. Workday warns you when you are within 3 days of the cap."),
            ("With manager approval you may take up to 5 days of PTO before you have accrued them "
            "(a negative balance). Any negative balance is deducted from your final pay if you leave."),
        ]),
        ("h2", "4. Company holidays"),
        ("p", ("US offices observe 11 paid holidays: New Year's Day, Martin Luther King Jr. Day, "
              "Presidents' Day, Memorial Day, Juneteenth, Independence Day, Labor Day, Thanksgiving Day, "
              "the day after Thanksgiving, Christmas Eve and Christmas Day. Ireland observes the Irish "
              "public holidays.")),
        ("p", ("**Winter break:** all offices close from 26 December to 31 December. These days are paid "
              "and are not deducted from your PTO. Teams that must provide cover (for example, on-call "
              "rotations and Customer Support) agree alternative days off with their manager.")),
        ("p", ("**Floating holidays:** every employee also receives **2 floating holidays** per calendar "
              "year to observe cultural or religious holidays of their choice. Floating holidays do not "
              "carry over.")),
        ("h2", "5. Requesting PTO"),
        ("ol", [
            ("Submit the request in Workday (**Time Off > Request Time Off**). Your manager is notified "
            "automatically."),
            ("Give notice in proportion to the length of the absence: for 3 to 9 consecutive working "
            "days, at least **2 weeks** in advance; for 10 or more consecutive working days, at least "
            "**4 weeks** in advance. Single days can be requested with reasonable notice."),
            ("Managers approve or decline within **3 business days**. A request can only be declined "
            "for a clear business reason, and the manager should suggest alternative dates."),
            ("If you are scheduled for on-call during your time off, arrange a swap before the request "
            "is approved (see the On-Call Rotation Handbook)."),
            ("Before you leave, set an out-of-office reply in Gmail, set your Slack status and delegate "
            "any approvals you own in Workday and Navan."),
        ]),
        ("h2", "6. Sick leave"),
        ("p", ("Sick leave is separate from PTO. US employees receive **10 days** of paid sick leave per "
              "calendar year; unused sick leave does not carry over. Employees in Ireland receive up to "
              "**15 days** of company-paid sick leave per year, in addition to any statutory entitlement.")),
        ("ul", [
            ("Use sick leave for your own illness or injury, medical and dental appointments, or to care "
            "for a sick family member."),
            ("Tell your manager as early as possible on the first day of absence and record the absence "
            "in Workday when you are back."),
            "A doctor's note is only required for absences of **more than 3 consecutive working days**.",
            ("For longer illnesses, contact the People Team about short-term disability or extended "
            "medical leave."),
        ]),
        ("h2", "7. Bereavement leave"),
        ("p", "If someone close to you dies, take the time you need to grieve and make arrangements:"),
        ("ul", [
            ("**5 working days** for immediate family: spouse or partner, child, parent, sibling, "
            "grandparent, grandchild, and parent-in-law."),
            ("**3 working days** for extended family: aunt, uncle, niece, nephew, cousin and "
            "sibling-in-law."),
            ("Bereavement days do not have to be consecutive but must be taken within 3 months of the "
            "death. Talk to your manager if you need more time; additional days can be taken as PTO "
            "or unpaid leave."),
        ]),
        ("h2", "8. Other paid leave"),
        ("ul", [
            ("**Jury duty and witness service:** full pay for up to **10 working days** per year. Send "
            "a copy of the summons to your manager and the People Team."),
            ("**Community Days:** **2 paid days** per year to volunteer with a registered non-profit "
            "organization. Record them in Workday as Community Day."),
            ("**Voting:** up to 2 hours of paid time to vote in public elections if your schedule does "
            "not otherwise allow it."),
            "**Military leave (US):** handled according to USERRA; contact the People Team.",
        ]),
        ("h2", "9. Sabbatical"),
        ("p", ("After **5 years** of continuous service you are eligible for a **4-week paid sabbatical**. "
              "It must be taken within 2 years of becoming eligible, in one block, and can be combined "
              "with up to 1 week of PTO. You become eligible again after each further 5 years of "
              "service. Agree the dates with your manager at least 3 months in advance and submit the "
              "request in Workday as Sabbatical.")),
        ("h2", "10. Unpaid leave of absence"),
        ("p", ("For personal reasons not covered above, you may request up to **90 days** of unpaid leave "
              "with approval from your VP and the People Team. Health benefits continue for the first 30 "
              "days of unpaid leave; after that, you can continue coverage at your own cost. PTO does "
              "not accrue during unpaid leave.")),
        ("h2", "11. Leaving Northwind"),
        ("p", ("Unused accrued PTO, including carried-over days, is paid out in your final paycheck. Sick "
              "leave, floating holidays and unused sabbatical are not paid out. In Ireland, untaken "
              "statutory annual leave is paid out as required by law.")),
        ("h2", "12. Questions"),
        ("p", ("Ask in **#ask-people** or contact your People Partner. Workday how-to guides are linked "
              "from the Time Off page in Workday.")),
    ],
}

EXPENSE_POLICY = {
    "path": "travel/expense-reimbursement.pdf",
    "title": "Expense Reimbursement Policy",
    "subject": "How to claim business expenses, limits and what is not reimbursable",
    "author": "Northwind Labs Finance - Travel & Expense",
    "blocks": [
        ("title", "Expense Reimbursement Policy"),
        ("meta", "Owner: Finance - Travel & Expense (Tomas Herrera, Controller)  |  Effective 1 January 2026"),
        ("h2", "1. Principles"),
        ("p", ("Northwind Labs reimburses reasonable, necessary costs that you incur while doing your job. "
              "Spend company money as carefully as you would your own. This policy explains how to submit "
              "expenses, the limits that apply, and what is not reimbursed. Travel booking rules are in "
              "the **Business Travel Booking Policy**, and meal allowances while travelling are on the "
              "**Per Diem and Lodging Rates** page.")),
        ("h2", "2. Submitting expenses"),
        ("ol", [
            ("Photograph the receipt with the **Navan** mobile app, or forward emailed receipts to "
            "receipts@navan.com from your Northwind address. Navan matches receipts to card "
            "transactions automatically."),
            ("Submit expenses within **30 days** of the date they were incurred. Expenses older than "
            "**90 days** are not reimbursed without written approval from the CFO."),
            ("An itemized receipt is required for every expense of **$25 or more** (or the equivalent "
            "in local currency). A credit-card slip without the list of items is not enough."),
            ("Choose the correct category and add a short business purpose, for example "
            "\"Dinner with Contoso procurement team - renewal negotiation\"."),
        ]),
        ("h2", "3. Approval and payment"),
        ("table", [
            ["Total of the expense report", "Approvers"],
            ["Up to $2,500", "Your manager"],
            ["$2,500.01 to $10,000", "Your manager and your Director"],
            ["More than $10,000", "Manager, Director and VP Finance"],
        ], (85, 85)),
        ("p", ("Approved expenses are paid by direct deposit to the bank account you use for payroll, "
              "usually within **5 business days** after final approval. US reimbursement runs are on "
              "Tuesdays and Fridays; Irish reimbursements run weekly on Wednesdays. Finance audits a "
              "random sample of reports every month.")),
        ("h2", "4. Corporate card"),
        ("p", ("Employees who travel more than 4 times a year, or who regularly spend more than $1,000 a "
              "month on business expenses, can request a Navan corporate card through their manager. "
              "Use it only for business expenses. If you accidentally make a personal purchase, repay it "
              "within **15 days** using the Repay option in Navan. Receipt rules are the same as for "
              "personal-card expenses.")),
        ("h2", "5. Meals and entertainment"),
        ("ul", [
            ("**Meals while travelling overnight** are covered by the daily meal per diem. Do not also "
            "claim individual meal receipts for those days."),
            ("**Team meals** (celebrations, offsites): up to **$75 per person**, including tax and tip, "
            "with manager approval in advance. The most senior person present pays and submits the "
            "expense."),
            ("**Customer and prospect meals:** up to **$150 per person** including tax and tip. List all "
            "attendees and their companies in the expense."),
            "Alcohol is reimbursed only when served with a business meal and in moderation.",
            "Tips are reimbursed up to **20%** for meals, taxis and ride-share.",
            ("**Gifts to customers:** up to $100 per recipient per year, logged in the Navan gift "
            "category. Gifts to government officials are never allowed."),
        ]),
        ("h2", "6. Mileage and local transport"),
        ("p", ("When you use your own car for business, claim mileage instead of fuel: **$0.70 per mile** "
              "in the US (the IRS standard rate on 1 January 2026) and the Irish civil service "
              "kilometric rates in Ireland, which Navan calculates for you. Your normal commute between "
              "home and your office is not reimbursed. Tolls on business journeys are reimbursed.")),
        ("h2", "7. Phones, learning and home office"),
        ("ul", [
            ("**Mobile phone:** employees in an on-call rotation or a customer-facing field role receive "
            "a phone allowance of **$60 per month** (EUR 55 in Ireland), paid through payroll. Other "
            "employees' personal phone plans are not reimbursed."),
            ("**Learning and development:** each employee has **$1,500 per calendar year** for courses, "
            "certifications, books and conference tickets. Items over $500 need manager approval "
            "before purchase. Travel to a conference is booked under the travel policy and does not "
            "count against the learning budget. Unused budget does not roll over."),
            ("**Home office equipment** is claimed under the Home office stipend category, using the "
            "amounts in the Remote and Hybrid Work Policy."),
            ("Software subscriptions must be bought through IT, not expensed, so that licenses and "
            "security reviews are tracked."),
        ]),
        ("h2", "8. Not reimbursable"),
        ("p", "The following are never reimbursed:"),
        ("ul", [
            "traffic fines, speeding tickets and other penalties;",
            "flight or hotel upgrades beyond the travel policy, airline lounge memberships;",
            "personal entertainment, hotel minibar, in-room movies;",
            "gym, spa and personal grooming costs;",
            "travel costs for spouses, partners or family members;",
            "laundry on trips shorter than 5 nights;",
            "loss or theft of personal belongings, including cash;",
            "alcohol not served with a business meal, and tobacco products.",
        ]),
        ("h2", "9. Missing receipts and foreign currency"),
        ("p", ("If you lose a receipt for an expense under $200, complete the **Missing Receipt "
              "Declaration** in Navan. You can use it up to 3 times per calendar year; after that, or "
              "for larger amounts, the expense is not reimbursed. Foreign-currency card expenses are "
              "reimbursed at the rate on your card statement; cash expenses at the exchange rate on the "
              "day of purchase, which Navan applies automatically.")),
        ("h2", "10. Misuse"),
        ("p", ("Submitting false or personal expenses is a breach of the Code of Conduct and may lead to "
              "disciplinary action, including termination. If you are unsure whether something is "
              "reimbursable, ask before you spend: **#travel-help** or t&e@northwindlabs.com.")),
    ],
}

TLS_POSTMORTEM = {
    "path": "incidents/2025-06-02-expired-tls-certificate.pdf",
    "title": "Postmortem: Expired TLS Certificate on api.northwindlabs.com (2 June 2025)",
    "subject": "SEV1 outage of the public API caused by an expired certificate",
    "author": "Northwind Labs Platform / SRE",
    "blocks": [
        ("title", "Postmortem: Expired TLS Certificate on api.northwindlabs.com (2 June 2025)"),
        ("meta", ("INC-2025-078  |  SEV1  |  Monday 2 June 2025, 06:00-08:47 UTC (2 h 47 min)  |  "
                 "IC: Elena Vasquez (SRE)  |  Author: Tom Brennan (Platform)")),
        ("h2", "Summary"),
        ("p", ("The public TLS certificate for api.northwindlabs.com and api-eu.northwindlabs.com expired "
              "at 06:00 UTC on 2 June 2025. From that moment every client connecting to the public API - "
              "customer integrations, our SDKs and the Northwind iOS and Android apps - failed the TLS "
              "handshake. The certificate had been bought manually from DigiCert and its renewal "
              "reminders went to an email group that no longer existed. Service was restored at 08:47 "
              "UTC after an emergency reissue.")),
        ("h2", "Impact"),
        ("ul", [
            ("100% of requests to the public API failed for 2 hours 47 minutes: about **2.1 million** "
            "failed requests from roughly **18,000 customers**."),
            "Mobile app users could not sign in or load data.",
            ("The web dashboard (app.northwindlabs.com) stayed up, because it uses a separate, "
            "automatically renewed certificate and calls the backend through its own route."),
            "Outbound webhooks to customers were not affected.",
            "31 enterprise customers received SLA service credits.",
        ]),
        ("h2", "Timeline (UTC)"),
        ("table", [
            ["Time", "Event"],
            ["06:00", "Certificate expires (23:00 Sunday, Pacific time). TLS handshakes begin failing."],
            ["06:14", "First customer report through support chat: \"certificate has expired\" from the Python SDK."],
            ["06:31", "Alert \"API request volume dropped 90%\" pages SRE Primary."],
            ["06:45", "SEV1 declared, status page updated."],
            ["06:58", "openssl s_client shows notAfter=Jun 2 06:00:00 2025 GMT. Cause confirmed."],
            ["07:10", "Emergency reissue requested from DigiCert. Organization validation had to be re-confirmed by phone."],
            ["08:05", "New certificate issued."],
            ["08:25", "Certificate deployed with Ansible to edge load balancers lb-edge-01 to lb-edge-04."],
            ["08:40", "All edge nodes serving the new certificate."],
            ["08:47", "Error rates back to normal. Mobile apps recover without an update. Incident resolved."],
        ], (22, 148)),
        ("h2", "Root cause"),
        ("p", ("Most Northwind certificates are issued and renewed automatically by cert-manager using "
              "ACME. In 2022 a large customer required an organization-validated (OV) certificate for "
              "the API, so api.northwindlabs.com was moved to a one-year certificate bought manually "
              "from DigiCert and installed by hand on the HAProxy edge load balancers. Renewal depended "
              "on DigiCert's reminder emails, which were sent to the ops-certs@northwindlabs.com group. "
              "That group was deleted during a Google Workspace group clean-up in January 2025, so the "
              "60-, 30- and 7-day reminders bounced and nobody renewed the certificate.")),
        ("h2", "Contributing factors"),
        ("ul", [
            ("**No expiry monitoring outside cert-manager.** Our certificate dashboards only covered "
            "certificates that cert-manager manages, so this certificate was invisible."),
            ("**Synthetic checks did not cover the API edge.** External synthetic monitoring checked "
            "app.northwindlabs.com only. The API health check runs inside the cluster and bypasses the "
            "edge load balancers, so it stayed green."),
            ("**Slow detection.** The outage began at 23:00 Pacific on a Sunday. The first page came 31 "
            "minutes later from a traffic-volume alert rather than an error alert, because failed TLS "
            "handshakes never reach the application and are not counted as HTTP errors."),
            "**Slow reissue.** Re-validating the organization with the CA took almost an hour.",
        ]),
        ("h2", "What went well"),
        ("ul", [
            ("The Android app pins the DigiCert intermediate CA rather than the leaf certificate, so the "
            "apps recovered as soon as the new certificate was served, with no app release needed."),
            "Status page updates went out every 30 minutes, as required for SEV1.",
        ]),
        ("h2", "Action items"),
        ("table", [
            ["Ticket", "Action", "Owner", "Status"],
            ["CERT-21", "Inventory every public certificate in CertWatch; alert #sre-alerts at 30, 14 and 7 days before expiry and page at 3 days", "Tom Brennan", "Done"],
            ["CERT-22", "Move api.northwindlabs.com to automated issuance through DigiCert's ACME service (supports OV)", "Platform", "Done (31 Jul 2025)"],
            ["CERT-23", "Send all CA notifications to the team alias pki-owners@northwindlabs.com; require an owner check before deleting Workspace groups", "IT / Security", "Done"],
            ["CERT-24", "External synthetic check of the API from 3 regions, including certificate expiry", "SRE", "Done"],
            ["CERT-25", "Alert on TLS handshake failures at the edge load balancers", "SRE", "Done"],
        ], (22, 98, 28, 22)),
        ("h2", "Lessons learned"),
        ("p", ("Any certificate that is renewed by a person will eventually expire. Every public endpoint "
              "must be covered by automated renewal or, where that is impossible, by expiry monitoring "
              "that does not depend on email. Notifications should go to team aliases that are owned "
              "and reviewed, never to individual mailboxes or unowned groups.")),
        ("p", ("Note: this incident concerned a public certificate issued by a commercial CA. It is "
              "unrelated to the rotation of the internal root certificate NW-CA-2024, which is covered by "
              "the IT certificate runbook.")),
    ],
}

DOCUMENTS = [PTO_POLICY, EXPENSE_POLICY, TLS_POSTMORTEM]


class KBPdf(FPDF):
    def __init__(self, short_title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.short_title = short_title
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def header(self):
        if self.page_no() > 1:
            self.set_font("Helvetica", "I", 8)
            self.set_text_color(120, 120, 120)
            self.cell(0, 5, "Northwind Labs - Internal", align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(3)
            self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, f"{self.short_title}  -  Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _check_latin1(doc: dict) -> None:
    def walk(value):
        if isinstance(value, str):
            value.encode("latin-1")
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    walk(doc)


def render(doc: dict) -> Path:
    _check_latin1(doc)
    pdf = KBPdf(doc["title"] if len(doc["title"]) <= 60 else doc["title"].split(" (")[0])
    pdf.set_title(doc["title"])
    pdf.set_author(doc["author"])
    pdf.set_subject(doc["subject"])
    pdf.set_creator("Northwind Labs knowledge base (examples/make_pdfs.py)")
    pdf.set_creation_date(CREATION_DATE)
    pdf.add_page()

    for block in doc["blocks"]:
        kind = block[0]
        if kind == "title":
            pdf.set_font("Helvetica", "B", 18)
            pdf.multi_cell(0, 8.5, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "meta":
            pdf.set_font("Helvetica", "", 9)
            pdf.set_text_color(90, 90, 90)
            pdf.multi_cell(0, 5, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(3)
        elif kind == "h2":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 7, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "h3":
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 6, block[1], new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font("Helvetica", "", 10.5)
            pdf.multi_cell(0, LINE_H, block[1], markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind in ("ul", "ol"):
            pdf.set_font("Helvetica", "", 10.5)
            for i, item in enumerate(block[1], start=1):
                marker = "-" if kind == "ul" else f"{i}."
                pdf.set_x(pdf.l_margin + 3)
                pdf.cell(7, LINE_H, marker)
                pdf.multi_cell(pdf.epw - 10, LINE_H, item, markdown=True,
                               new_x="LMARGIN", new_y="NEXT")
                pdf.ln(0.8)
            pdf.ln(1.5)
        elif kind == "table":
            rows, widths = block[1], block[2]
            pdf.set_font("Helvetica", "", 9.5)
            with pdf.table(col_widths=widths, width=sum(widths), align="LEFT",
                           text_align="LEFT", line_height=5) as table:
                for cells in rows:  # first row is rendered as the bold heading row
                    row = table.row()
                    for text in cells:
                        row.cell(text)
            pdf.ln(3)
        else:
            raise ValueError(f"unknown block type {kind!r}")

    out = KB_DIR / doc["path"]
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def main() -> None:
    for doc in DOCUMENTS:
        out = render(doc)
        print(f"wrote {out.relative_to(KB_DIR.parent)} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
