"""What every queryset module shares."""

PUBLISHED = "published"
