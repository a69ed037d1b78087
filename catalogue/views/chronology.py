"""The crisis day by day and hour by hour, with a server-rendered chart of documents per
day (plain SVG: no script, no external service, readable offline)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.http import Http404
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from catalogue.models import DatePrecision, Document
from catalogue.stamped import cached_until_change

START = datetime.date(1962, 10, 1)
END = datetime.date(1962, 12, 31)
PAGE_SIZE = 200


@dataclass
class Day:
    date: datetime.date
    hours: list = field(default_factory=list)  # [(label, [documents])]
    count: int = 0
    continued: bool = False  # its first documents are on the page before

    @property
    def anchor(self) -> str:
        return f"day-{self.date.isoformat()}"


def hour_label(time: datetime.time | None) -> str:
    if time is None:
        return "Time not stated"
    hour = time.hour % 12 or 12
    if time.hour == 12:
        return "Noon hour"
    return f"{hour} {'a.m.' if time.hour < 12 else 'p.m.'}"


def group_by_day(documents, counts: dict | None = None) -> list[Day]:
    """``counts``: each day's documents in all (a page may hold part of a day)."""
    days: dict[datetime.date, Day] = {}
    for document in documents:
        day = days.setdefault(document.date, Day(document.date))
        label = hour_label(document.time)
        if not day.hours or day.hours[-1][0] != label:
            day.hours.append((label, []))
        day.hours[-1][1].append(document)
        day.count += 1
    if counts:
        for day in days.values():
            day.count = counts.get(day.date, day.count)
    return list(days.values())


@dataclass(frozen=True)
class PageSpan:
    """A page of a month: from ``first`` (after ``skip`` of that day's documents) to
    ``last``, the day its last document is on."""

    first: datetime.date
    skip: int
    last: datetime.date


def page_spans(counts: dict, size: int) -> list[PageSpan]:
    """Each page of ``size`` documents, from the documents per day: a page is read
    from its first to its last day only, skipping at most one day's documents, rather
    than sorting the month from its start."""
    days = sorted(counts.items())
    starts, seen = [], 0
    for day, n in days:
        while len(starts) * size < seen + n:
            starts.append((day, len(starts) * size - seen, seen))
        seen += n
    spans = []
    for first, skip, before in starts:
        end = before + skip + size  # documents up to this page's end, from the month's start
        last, total = first, 0
        for day, n in days:
            if day >= first:
                last = day
                if before + total + n >= end:
                    break
                total += n
        spans.append(PageSpan(first, skip, last))
    return spans


def chart_svg(counts: dict, start=START, end=END, href=None) -> str:
    """A bar per day; each bar links to that day's heading and carries a <title>.
    ``href(day)``: the link (default: the day's heading in its month)."""
    span = (end - start).days + 1
    peak = max(counts.values(), default=0) or 1
    bar, gap, height, top, bottom = 8, 2, 120, 16, 28
    width = span * (bar + gap) + 40
    if href is None:

        def href(day):
            return f"?month={day:%Y-%m}#day-{day.isoformat()}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
        f'{top + height + bottom}" role="img" aria-labelledby="chart-title chart-desc">',
        '<title id="chart-title">Documents per day, October–December 1962</title>',
        f'<desc id="chart-desc">{sum(counts.values())} dated documents; the busiest day '
        f"has {max(counts.values(), default=0)}.</desc>",
        f'<line x1="30" y1="{top + height}" x2="{width}" y2="{top + height}" class="axis"/>',
        f'<text x="26" y="{top + 4}" class="tick" text-anchor="end">{peak}</text>',
        f'<text x="26" y="{top + height}" class="tick" text-anchor="end">0</text>',
    ]
    for offset in range(span):
        day = start + datetime.timedelta(days=offset)
        x = 34 + offset * (bar + gap)
        n = counts.get(day, 0)
        if day.day == 1 or offset == 0:
            parts.append(f'<text x="{x}" y="{top + height + 18}" class="tick">{day:%b} 1962</text>')
        if n:
            h = max(2, round(height * n / peak))
            label = f"{day:%A} {day:%B} {day.day}: {n} document{'s' if n != 1 else ''}"
            parts.append(
                f'<a href="{href(day)}" aria-label="{label}">'
                f'<rect x="{x}" y="{top + height - h}" width="{bar}" height="{h}" class="bar">'
                f"<title>{label}</title></rect></a>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from dates and integers only


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class ChronologyView(TemplateView):
    """One month at a time, ``PAGE_SIZE`` documents a page (a month of a large
    catalogue holds tens of thousands: the whole of October was a 14 MB page at
    100,000 documents); the chart covers the whole period and links every day to the
    page that holds its first documents."""

    template_name = "catalogue/chronology.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dated = (
            Document.objects.published()
            .filter(date_precision=DatePrecision.DAY)
            .dated_between(START, END)
        )
        counts = cached_until_change(
            "chronology-days",
            lambda: {
                row["date"]: row["n"]
                for row in dated.order_by().values("date").annotate(n=Count("pk"))
            },
        )
        by_month: dict[datetime.date, dict] = {}
        for day, n in counts.items():
            by_month.setdefault(_month_of(day), {})[day] = n
        months = sorted(by_month)
        month = self._month(months)
        spans = page_spans(by_month[month], PAGE_SIZE) if month is not None else []
        page = self._page(len(spans))
        documents, days = [], []
        if spans:
            span = spans[page - 1]
            documents = list(
                dated.with_chronology_row()
                .filter(date__gte=span.first, date__lte=span.last)
                .in_date_order()[span.skip : span.skip + PAGE_SIZE]
            )
            days = group_by_day(documents, by_month[month])
            if days and span.skip:
                days[0].continued = True
        context.update(
            days=days,
            month=month,
            months=[(m, sum(by_month[m].values())) for m in months],
            chart=chart_svg(counts, href=self._day_links(by_month)),
            start=START,
            end=END,
            total=sum(counts.values()),
            month_total=sum(by_month[month].values()) if month is not None else 0,
            page=page,
            pages=len(spans),
        )
        return context

    def _month(self, months):
        wanted = self.request.GET.get("month", "")
        for month in months:
            if f"{month:%Y-%m}" == wanted:
                return month
        return months[0] if months else None

    def _page(self, pages: int) -> int:
        raw = self.request.GET.get("page", "1")
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= max(pages, 1):
            raise Http404("No such page of this month.")
        return int(raw)

    @staticmethod
    def _day_links(by_month):
        """Each day's link: its month, the page its first document is on, its heading."""
        first_page = {}
        for days in by_month.values():
            seen = 0
            for day, n in sorted(days.items()):
                first_page[day] = seen // PAGE_SIZE + 1
                seen += n

        def href(day):
            page = first_page.get(day, 1)
            page_part = f"&amp;page={page}" if page > 1 else ""
            return f"?month={day:%Y-%m}{page_part}#day-{day.isoformat()}"

        return href
