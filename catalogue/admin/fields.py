"""Form field settings shared by the admin's forms."""

from django.db import models

# A web address typed without a scheme is taken as https (Django 6's default; 5.2
# still assumes http and warns).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
