"""The seed page's three references as the WHO site writes them (one line each)."""

TIMMONS = (
    "Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA (1995) Epstein-Barr "
    "virus-associated leiomyosarcomas in liver transplantation recipients. Origin from either "
    "donor or recipient tissue. Cancer 76: 1481-9"
)
BONATTI = (
    "Bonatti H, Hoefer D, Rogatsch H, Margreiter R, Larcher C, Antretter H (2005) Successful "
    "management of recurrent Epstein-Barr virus-associated multilocular leiomyosarcoma after "
    "cardiac transplantation. Transplant Proc 37: 1839-44"
)
WHO = (
    "Bosman FT, Carneiro F, Hruban RH, Theise ND (Eds.) WHO Classification of Tumours of the "
    "Digestive System. 4th Edition International Agency for Research on Cancer: Lyon 2010"
)
