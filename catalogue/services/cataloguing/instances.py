"""Fresh model instances for bulk writes, without the per-field work of ``Model()``.

An import makes a Document per text and an ArchivalUnit per folder it has not seen;
``Model.__init__`` and the foreign-key descriptors check each value (router, type,
signals): ~45–85 µs a document, a few per cent of storing a batch whose rows are
written by ``rows.insert_returning_ids`` and never saved through ``save()``.
"""

from __future__ import annotations

from functools import cache

from django.db.models import Model, signals
from django.db.models.base import ModelState


@cache
def _foreign_key(model: type[Model], name: str):
    return model._meta.get_field(name)


def relate(instance: Model, name: str, obj) -> None:
    """``instance.<name> = obj`` for a fresh in-memory row: the id and the cached
    object, what the descriptor sets, without its per-assignment checks (router,
    type), which cost ~7 % of storing a batch. ``obj`` comes from the run's own
    context, of the right model and database (or is a new row whose id is set when
    it is written: assign it again then, as ``save_new_units`` does)."""
    field = _foreign_key(type(instance), name)
    instance.__dict__[field.attname] = None if obj is None else obj.pk
    field.set_cached_value(instance, obj)


@cache
def _blank(model: type[Model]) -> tuple[dict, tuple]:
    """A new instance's attributes (from one made by ``model()``) and the fields whose
    default is a callable (a fresh value each: ``routing=list``)."""
    values = dict(model().__dict__)
    del values["_state"]
    fresh = tuple(f for f in model._meta.concrete_fields if f.has_default() and callable(f.default))
    return values, fresh


def new_instance(model: type[Model]) -> Model:
    """``model()`` without ``Model.__init__``'s per-field work (~45–85 µs a document,
    a few per cent of an import): the same attributes and a fresh ``_state``. Falls
    back to ``model()`` if anything listens to its init signals."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model()
    values, fresh = _blank(model)
    obj = model.__new__(model)
    obj.__dict__.update(values)
    for model_field in fresh:
        obj.__dict__[model_field.attname] = model_field.get_default()
    obj._state = ModelState()
    return obj
