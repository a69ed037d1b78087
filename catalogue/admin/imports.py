"""Import runs, and the archivist's upload: texts → preview → confirm → import.

The uploaded bytes wait between preview and confirmation in a staging folder under
MEDIA_ROOT with a random, unguessable name bound to the uploading user, so nothing
the browser sends back at confirmation can point the importer at another file.
"""

import json
import secrets
import shutil
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from catalogue.models import ImportedFile, ImportRun
from catalogue.services.importing import Source, preview_outcomes, run_import

MAX_FILES = 500
STAGING_DIR = "import-staging"
STAGING_MAX_AGE = 24 * 3600  # seconds an unconfirmed upload is kept
TOKEN_BYTES = 24


class ImportedFileInline(admin.TabularInline):
    model = ImportedFile
    extra = 0
    can_delete = False
    fields = ["path", "outcome", "checksum", "encoding", "line", "error", "document"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        kwargs.setdefault("allow_empty_file", True)  # the importer names the problem
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(label="Text files (.txt)")
    collection = forms.CharField(
        required=False, max_length=255, help_text="Override the collection heading (optional)."
    )
    publish = forms.BooleanField(
        required=False, help_text="Publish the imported records (default: draft)."
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Upload at most {MAX_FILES} files at a time.")
        limit = settings.IMPORT_MAX_BYTES
        too_big = [f.name for f in files if f.size > limit]
        if too_big:
            raise forms.ValidationError(
                f"Larger than the limit of {limit} bytes: {', '.join(too_big)}."
            )
        return files


def _staging_root() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING_DIR


def stage_uploads(files, *, user, collection: str, publish: bool) -> str:
    """Keep uploaded bytes until confirmation; returns the token naming them."""
    _expire_staged()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    folder = _staging_root() / token
    folder.mkdir(parents=True, mode=0o700)
    manifest = {"user": user.pk, "collection": collection, "publish": publish, "files": []}
    for upload in files:
        stored = secrets.token_hex(16) + ".txt"
        with open(folder / stored, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        manifest["files"].append({"name": Path(upload.name).name, "stored": stored})
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return token


def _expire_staged():
    """Forget uploads previewed but never confirmed."""
    root = _staging_root()
    if not root.exists():
        return
    cutoff = time.time() - STAGING_MAX_AGE
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def load_staged(token: str, *, user):
    """(manifest, sources) for a token the same user staged, or None."""
    if not token or not all(ch.isalnum() or ch in "-_" for ch in token):
        return None
    folder = _staging_root() / token
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("user") != user.pk:
        return None
    sources = []
    for entry in manifest["files"]:
        stored = folder / Path(entry["stored"]).name
        sources.append(Source(path=entry["name"], fs_path=stored))  # read one at a time
    return manifest, sources


def discard_staged(token: str):
    if token and all(ch.isalnum() or ch in "-_" for ch in token):
        shutil.rmtree(_staging_root() / token, ignore_errors=True)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "started_at",
        "username",
        "channel",
        "status",
        "files_read",
        "created_count",
        "updated_count",
        "unchanged_count",
        "failed_count",
    ]
    list_filter = ["status", "channel"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    inlines = [ImportedFileInline]
    change_list_template = "admin/catalogue/importrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_texts_view)
        return [
            path("import-texts/", view, name="catalogue_importrun_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self._can_import(request)}
        return super().changelist_view(request, extra_context)

    @staticmethod
    def _can_import(request) -> bool:
        return request.user.has_perm("catalogue.add_document")

    def import_texts_view(self, request):
        if not self._can_import(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import texts",
            "max_bytes": settings.IMPORT_MAX_BYTES,
            "max_files": MAX_FILES,
        }
        if request.method == "POST" and request.POST.get("token"):
            return self._confirm(request, context)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            token = stage_uploads(
                data["files"],
                user=request.user,
                collection=data["collection"],
                publish=data["publish"],
            )
            _manifest, sources = load_staged(token, user=request.user)
            summary = run_import(
                sources,
                dry_run=True,
                collection=data["collection"] or None,
                keep_parsed=True,
            )
            preview_outcomes(summary.files)
            context.update(
                title="Import texts: preview",
                token=token,
                rows=[_preview_row(result) for result in summary.files],
                summary=summary,
                collection=data["collection"],
                publish=data["publish"],
                importable=sum(1 for f in summary.files if not f.failed),
            )
            return TemplateResponse(
                request, "admin/catalogue/importrun/import_preview.html", context
            )
        context["form"] = form
        return TemplateResponse(request, "admin/catalogue/importrun/import_form.html", context)

    def _confirm(self, request, context):
        token = request.POST["token"]
        staged = load_staged(token, user=request.user)
        if staged is None:
            messages.error(request, "The uploaded files are no longer available; upload again.")
            return redirect("admin:catalogue_importrun_import")
        manifest, sources = staged
        summary = run_import(
            sources,
            channel=ImportRun.Channel.ADMIN,
            user=request.user,
            publish=bool(manifest.get("publish")),
            collection=manifest.get("collection") or None,
            options={
                "files": [entry["name"] for entry in manifest["files"]],
                "publish": bool(manifest.get("publish")),
                "collection": manifest.get("collection") or None,
            },
        )
        discard_staged(token)
        level = messages.WARNING if summary.failures else messages.SUCCESS
        messages.add_message(request, level, summary.line())
        return redirect(reverse("admin:catalogue_importrun_change", args=[summary.run.pk]))


def _preview_row(result) -> dict:
    parsed = result.parsed
    row = {
        "path": result.path,
        "error": result.describe_error() if result.failed else "",
        "would_be": result.would_be,
        "encoding": result.encoding,
    }
    if parsed is None:
        return row
    note = parsed.source_note
    location = note.location if note else None
    roles = list(parsed.roles) + (list(note.roles) if note else [])
    seen = set()
    agents = []
    for role in roles:
        key = (role.agent.name, role.role)
        if key not in seen:
            seen.add(key)
            agents.append({"name": role.agent.name, "role": role.role, "office": role.agent.office})
    row.update(
        title=parsed.title or parsed.heading,
        doc_type=parsed.doc_type_label or parsed.doc_type,
        date=parsed.date.text or (parsed.date.value.isoformat() if parsed.date.value else ""),
        time=parsed.time_text,
        classification=note.classification if note else "",
        caveats=", ".join(note.caveats) if note else "",
        repository=location.repository if location else "",
        unit_path=" / ".join(location.path()) if location else "",
        agents=agents,
        warnings=list(parsed.warnings),
        footnotes=len(parsed.footnotes),
    )
    return row
