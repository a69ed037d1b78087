"""The crisis day by day and hour by hour, with a server-rendered chart of documents per
day (plain SVG: no script, no external service, readable offline)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from catalogue.models import DatePrecision, Document

START = datetime.date(1962, 10, 1)
END = datetime.date(1962, 12, 31)


@dataclass
class Day:
    date: datetime.date
    hours: list = field(default_factory=list)  # [(label, [documents])]
    count: int = 0

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


def group_by_day(documents) -> list[Day]:
    days: dict[datetime.date, Day] = {}
    for document in documents:
        day = days.setdefault(document.date, Day(document.date))
        label = hour_label(document.time)
        if not day.hours or day.hours[-1][0] != label:
            day.hours.append((label, []))
        day.hours[-1][1].append(document)
        day.count += 1
    return list(days.values())


def chart_svg(counts: dict, start=START, end=END) -> str:
    """A bar per day; each bar links to that day's heading and carries a <title>."""
    span = (end - start).days + 1
    peak = max(counts.values(), default=0) or 1
    bar, gap, height, top, bottom = 8, 2, 120, 16, 28
    width = span * (bar + gap) + 40
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
                f'<a href="?month={day:%Y-%m}#day-{day.isoformat()}" aria-label="{label}">'
                f'<rect x="{x}" y="{top + height - h}" width="{bar}" height="{h}" class="bar">'
                f"<title>{label}</title></rect></a>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from dates and integers only


class ChronologyView(TemplateView):
    """One month at a time (a month of the crisis can hold hundreds of documents); the
    chart covers the whole period and links every day to its place."""

    template_name = "catalogue/chronology.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dated = (
            Document.objects.published()
            .filter(date_precision=DatePrecision.DAY)
            .dated_between(START, END)
        )
        counts = {
            row["date"]: row["n"] for row in dated.order_by().values("date").annotate(n=Count("pk"))
        }
        months = sorted({day.replace(day=1) for day in counts})
        month = self._month(months)
        documents = []
        if month is not None:
            following = (month + datetime.timedelta(days=32)).replace(day=1)
            documents = list(
                dated.with_card()
                .filter(date__gte=month, date__lt=following)
                .order_by("date", F("time").asc(nulls_last=True), "pk")
            )
        context.update(
            days=group_by_day(documents),
            month=month,
            months=[
                (m, sum(n for d, n in counts.items() if d.replace(day=1) == m)) for m in months
            ],
            chart=chart_svg(counts),
            start=START,
            end=END,
            total=sum(counts.values()),
            month_total=len(documents),
        )
        return context

    def _month(self, months):
        wanted = self.request.GET.get("month", "")
        for month in months:
            if f"{month:%Y-%m}" == wanted:
                return month
        return months[0] if months else None
