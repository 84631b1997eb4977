"""calque_dataset — a PyTorch dataset over a Calque native export.

``calque-cli export --format json --output DIR/project.json`` writes one JSON
document with one record per line (client/store/calque-exporter.h) and copies
each item's media to ``DIR/media/<sha256>``. :class:`CalqueDataset` reads that
file and gives one sample per item, with the annotations of the version asked
for, chosen by the same rules as ``calque-cli export`` for its other formats
(client/export/calque-export-source.h):

- ``"all"`` (the default, as for ``calque-cli export``): everyone's
  annotations; every item.  A model's predictions (pre-annotations, whose
  author is ``model:NAME``) are left out of "all" and "final".
  ``annotator="model:NAME"`` gives them.
- ``"final"``: the reviewed version. An item's latest review decides:
  accepted gives the annotations of the annotator of the task it accepted,
  merged gives the reviewer's own, rejected gives none. Without a review, a
  task in state accepted gives its annotator's (the latest accepted task if
  there are several). Items without a final version are left out and counted
  in :attr:`CalqueDataset.skipped`.
- ``"annotator"`` with ``annotator=NAME``: that person's annotations; items
  where they have neither a task nor an annotation are left out.

Tombstones (``"deleted": true``) are left out, and so are the annotations of
a deleted item and the deleted labels. Items come in the order of their
names, then ids; classes in their position, then name, then id order.

Samples (coordinates in image pixels, origin at the top-left corner):

- image items: ``(image, target)``; ``image`` is the path of the media file,
  or with ``decode_images=True`` a ``uint8`` tensor 3×H×W (RGB). ``target``
  follows torchvision's detection convention: ``"boxes"`` float32 N×4
  ``x1, y1, x2, y2`` and ``"labels"`` int64 N for the box annotations; a
  rotated box gives the axis-aligned bounds of its turned corners there and
  its angle in ``"rotations"`` (degrees, around the centre, 0 when not
  turned). Then ``"polygons"`` (float32 K×2 outer rings) with
  ``"polygon_labels"`` and ``"holes"`` (per polygon, a list of K×2 rings),
  ``"polylines"`` with ``"polyline_labels"``, ``"points"`` float32 M×2 with
  ``"point_labels"``, ``"classification"`` (int64, the labels of whole-image
  classifications), ``"item_id"``, ``"name"``, ``"width"``, ``"height"``.
- text items: ``(text, target)`` with ``"spans"`` int64 N×2 (start, end in
  Unicode code points, end exclusive: ``text[start:end]`` is the span),
  ``"labels"``, ``"classification"``, ``"item_id"``, ``"name"``.
- audio items: ``(path, target)`` with ``"segments"`` float64 N×2 (start,
  end in seconds), ``"labels"``, ``"channels"`` (int64, -1 for every
  channel), ``"classification"``, ``"item_id"``, ``"name"``, ``"duration"``,
  ``"sample_rate"``.

A label is the index in :attr:`CalqueDataset.classes` of the first of the
annotation's labels that is a class, or -1 when it has none (a shape drawn
without a label, or whose label was deleted).

Memory: the file is read once, a record at a time; what stays is, per item,
its position in the file and the positions of the annotations chosen (eight
bytes each), plus the labels. A sample is parsed from the file when it is
asked for. Building the index holds, per annotation, its position, author
and labels until the versions are chosen (about 220 bytes each: 220 MB for a
million annotations). A file that is not laid out one record per line
(reformatted by another tool) is read with ``json.load`` and kept whole in
memory instead (about 1.7 KB per annotation).
"""

from __future__ import annotations

import array
import json
import math
import os
from typing import Any, BinaryIO, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import torch
from torch.utils.data import Dataset

__all__ = [
    "CalqueDataset",
    "CalqueExportError",
    "NATIVE_FORMAT_VERSION",
    "TASK_STATES",
    "VERSIONS",
    "collate_fn",
]

#: The version of the native format this module reads (``"calque_export"``).
NATIVE_FORMAT_VERSION = 1
#: Which annotations a dataset gives.
VERSIONS = ("all", "final", "annotator")
#: What ``states=`` accepts; ``"none"`` stands for items without a task.
TASK_STATES = ("new", "in_progress", "submitted", "accepted", "rejected", "none")

# The author of a model's predictions: "model:NAME" (CALQUE_MODEL_AUTHOR_PREFIX).
_MODEL_PREFIX = "model:"

# A position that is not set sorts last, as in the C code (G_MAXINT64).
_NO_POSITION = 2**63 - 1

# Where a record is: its offset in the file (one record per line), or the
# record itself when the file was read whole.
_Ref = Union[int, Dict[str, Any]]


class CalqueExportError(ValueError):
    """The file is not a Calque native export, or a record in it is wrong.

    The message names the file and the line or the record.
    """


# Record helpers: the same fallbacks as calque_record_get_int() and friends.

def _get_int(record: Dict[str, Any], field: str, fallback: int) -> int:
    value = record.get(field)
    if isinstance(value, bool):
        return fallback
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)  # truncates toward zero, like a C cast
    return fallback


def _get_str(record: Dict[str, Any], field: str) -> Optional[str]:
    value = record.get(field)
    return value if isinstance(value, str) else None


def _record_time(record: Dict[str, Any], field: str) -> int:
    """``field`` (a time), else ``created``, else 0: calque-export-source.c's record_time()."""
    return _get_int(record, field, _get_int(record, "created", 0))


class _Task:
    __slots__ = ("id", "annotator", "state", "updated")

    def __init__(self, record: Dict[str, Any]) -> None:
        self.id: str = record["id"]
        self.annotator = _get_str(record, "annotator")
        self.state = _get_str(record, "state")
        self.updated = _record_time(record, "updated")


class _Review:
    __slots__ = ("id", "task", "reviewer", "decision", "created")

    def __init__(self, record: Dict[str, Any]) -> None:
        self.id: str = record["id"]
        self.task = _get_str(record, "task")
        self.reviewer = _get_str(record, "reviewer")
        self.decision = _get_str(record, "decision")
        self.created = _record_time(record, "created")


def _final_author(tasks: Sequence[_Task], reviews: Sequence[_Review]) -> Optional[str]:
    """Whose annotations are an item's final version, or None.

    Tasks and reviews are in id order, which is creation order: on equal
    times the later id wins, as in calque-export-source.c's final_author().
    """
    review: Optional[_Review] = None
    for candidate in reviews:
        if review is None or candidate.created >= review.created:
            review = candidate
    if review is not None:
        if review.decision == "merged":
            return review.reviewer
        if review.decision == "accepted":
            for task in tasks:
                if task.id == review.task:
                    return task.annotator
        return None

    accepted: Optional[_Task] = None
    for task in tasks:
        if task.state == "accepted" and (accepted is None or task.updated >= accepted.updated):
            accepted = task
    return accepted.annotator if accepted is not None else None


class _Index:
    """What the one pass over the file keeps."""

    def __init__(self) -> None:
        self.header: Dict[str, Any] = {}
        self.project: Optional[Dict[str, Any]] = None
        self.labels: List[Dict[str, Any]] = []
        self.items: List[Tuple[str, Optional[str], _Ref]] = []  # id, name, where
        self.tasks: Dict[str, List[_Task]] = {}
        self.reviews: Dict[str, List[_Review]] = {}
        # item id → [(author, label ids, where)]. Not the ids: an export
        # lists annotations in id order, which is the order samples keep;
        # only a file in another order has them read again to be sorted.
        self.annotations: Dict[str, List[Tuple[Optional[str], Tuple[str, ...], _Ref]]] = {}
        self.annotations_in_order = True
        self.last_annotation_id = ""
        self.tombstones = 0
        self.in_memory = False
        # Authors and label lists repeat over a million annotations: each is
        # kept once.
        self._shared: Dict[Any, Any] = {}

    def share(self, value: Any) -> Any:
        return self._shared.setdefault(value, value)


class CalqueDataset(Dataset):
    """The items of a Calque native export, with their annotations.

    Args:
        path: the export (``calque-cli export --format json --output PATH``).
        version: ``"all"``, ``"final"`` or ``"annotator"`` (see the module).
        annotator: whose annotations, for ``version="annotator"``; giving it
            alone implies that version.
        labels: only these labels (names); the classes are these, in the
            project's order, and annotations carrying none of them are left
            out. ``None``: every label.
        states: only items with a task in one of these states
            (:data:`TASK_STATES`; ``"none"`` means items without a task).
        media_dir: where the media are; ``None``: the ``media`` folder beside
            ``path``.
        decode_images: give images as ``uint8`` tensors 3×H×W rather than
            paths (``torchvision.io.read_image``, else Pillow when present).
        transforms: called as ``transforms(sample, target)`` and returning
            both, after the sample is built.

    Raises:
        CalqueExportError: the file is not a native export, or is damaged;
            the message names the file and the line.
        ValueError: an unknown version, state or label.
        OSError: the file cannot be read.
    """

    def __init__(
        self,
        path: Union[str, os.PathLike],
        version: Optional[str] = None,
        annotator: Optional[str] = None,
        labels: Optional[Iterable[str]] = None,
        states: Optional[Iterable[str]] = None,
        media_dir: Optional[Union[str, os.PathLike]] = None,
        decode_images: bool = False,
        transforms: Optional[Callable[[Any, Dict[str, Any]], Tuple[Any, Dict[str, Any]]]] = None,
    ) -> None:
        super().__init__()
        # One name alone is one label, not its letters.
        if isinstance(labels, str):
            labels = [labels]
        if isinstance(states, str):
            states = [states]
        if annotator is not None:
            if version not in (None, "annotator"):
                raise ValueError(f"version “{version}” and an annotator: give the annotator alone")
            version = "annotator"
        if version is None:
            version = "all"
        if version not in VERSIONS:
            raise ValueError(f"“{version}” is not a version (all, final, annotator)")
        if version == "annotator" and not annotator:
            raise ValueError("the annotator version needs the annotator’s name")
        state_set = None
        if states is not None:
            state_set = set()
            for state in states:
                if state not in TASK_STATES:
                    raise ValueError(f"“{state}” is not a task state ({', '.join(TASK_STATES)})")
                state_set.add(state)

        self.path = os.fspath(path)
        self.media_dir = os.fspath(media_dir) if media_dir is not None else os.path.join(
            os.path.dirname(os.path.abspath(self.path)), "media")
        self.version = version
        self.annotator = annotator
        self.decode_images = decode_images
        self.transforms = transforms
        self._file: Optional[BinaryIO] = None
        self._file_pid = -1

        index = _read_index(self.path)
        self._in_memory = index.in_memory
        self.project_id: str = index.project["id"]  # type: ignore[index]
        self.project_name: Optional[str] = _get_str(index.project, "name")  # type: ignore[arg-type]
        self.project_type: Optional[str] = _get_str(index.project, "type")  # type: ignore[arg-type]
        #: Tombstones the file holds (records deleted, left out).
        self.tombstones: int = index.tombstones

        self._choose_labels(index.labels, labels)
        self._choose_items(index, state_set)

    # The labels: calque-export-source.c's read_labels().
    def _choose_labels(self, all_labels: List[Dict[str, Any]], wanted: Optional[Iterable[str]]) -> None:
        ordered = sorted(all_labels, key=lambda label: (_get_int(label, "position", _NO_POSITION),
                                                        _get_str(label, "name") or "", label["id"]))
        names = None
        if wanted is not None:
            names = list(wanted)
            present = {_get_str(label, "name") for label in ordered}
            for name in names:
                if name not in present:
                    raise ValueError(f"the project has no label “{name}”")
        kept = [label for label in ordered if names is None or _get_str(label, "name") in names]
        #: Label names, in order: a sample's labels are indices in this list.
        self.classes: List[str] = [_get_str(label, "name") or "" for label in kept]
        #: The ids of those labels, in the same order.
        self.label_ids: List[str] = [label["id"] for label in kept]
        #: Label records (colors, attributes…), in the same order.
        self.label_records: List[Dict[str, Any]] = kept
        self.class_to_idx: Dict[str, int] = {}
        for n, name in enumerate(self.classes):
            self.class_to_idx.setdefault(name, n)
        self._label_index: Dict[str, int] = {label_id: n for n, label_id in enumerate(self.label_ids)}
        self._every_label = len(kept) == len(all_labels)

    def _first_label(self, label_ids: Iterable[str]) -> int:
        for label_id in label_ids:
            index = self._label_index.get(label_id)
            if index is not None:
                return index
        return -1

    # The items and their annotations: calque_export_source_foreach().
    def _choose_items(self, index: _Index, states: Optional[set]) -> None:
        need_tasks = states is not None or self.version != "all"
        self._items: List[_Ref] = []
        self._annotations: List[Union[array.array, List[Dict[str, Any]]]] = []
        #: Items the version leaves out ("final": no final version yet;
        #: "annotator": not theirs).
        self.skipped = 0
        #: Annotations in the dataset, all items together.
        self.num_annotations = 0
        no_tasks: List[_Task] = []

        items = sorted(index.items, key=lambda item: (item[1] is not None, item[1] or "", item[0]))
        for item_id, _name, where in items:
            # In id order, as the store lists them: on equal times the later wins.
            tasks = sorted(index.tasks.get(item_id, no_tasks), key=lambda task: task.id) if need_tasks else no_tasks
            keep = True
            author: Optional[str] = None
            if states is not None:
                if tasks:
                    keep = any(task.state in states for task in tasks)
                else:
                    keep = "none" in states
            if keep and self.version == "final":
                author = _final_author(tasks, sorted(index.reviews.get(item_id, []), key=lambda review: review.id))
                if author is None:
                    keep = False
                    self.skipped += 1
            elif keep and self.version == "annotator":
                author = self.annotator
            if not keep:
                continue

            # Everyone's means every person's: predictions only by name.
            chosen = [entry for entry in index.annotations.get(item_id, ())
                      if (entry[0] == author if author is not None
                          else not (entry[0] or "").startswith(_MODEL_PREFIX))
                      and (self._every_label or self._first_label(entry[1]) >= 0)]
            if (self.version == "annotator" and not chosen
                    and not any(task.annotator == self.annotator for task in tasks)):
                self.skipped += 1
                continue

            if not index.annotations_in_order:
                chosen.sort(key=lambda entry: self._load(entry[2])["id"])
            self._items.append(where)
            if self._in_memory:
                self._annotations.append([entry[2] for entry in chosen])  # type: ignore[misc]
            else:
                self._annotations.append(array.array("q", (entry[2] for entry in chosen)))  # type: ignore[misc]
            self.num_annotations += len(chosen)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Tuple[Any, Dict[str, Any]]:
        if index < 0:
            index += len(self._items)
        if not 0 <= index < len(self._items):
            raise IndexError(f"item {index} of {len(self._items)}")
        item, annotations = self.records(index)
        media = _get_str(item, "media")
        if media == "image":
            sample, target = self._image_sample(item, annotations)
        elif media == "text":
            sample, target = self._text_sample(item, annotations)
        elif media == "audio":
            sample, target = self._audio_sample(item, annotations)
        else:
            raise CalqueExportError(f"{self._file_name()}: item {item.get('id')}: media “{media}” is not image, text or audio")
        if self.transforms is not None:
            sample, target = self.transforms(sample, target)
        return sample, target

    def records(self, index: int) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
        """The records that sample ``index`` is made from: the item, and its
        annotations chosen, oldest first, as in the file (with what the
        tensors leave out: attributes, confidence, author, every label)."""
        return self._load(self._items[index]), [self._load(where) for where in self._annotations[index]]

    def annotation_ids(self, index: int) -> List[str]:
        """The ids of the annotations of sample ``index``, oldest first."""
        return [self._load(where)["id"] for where in self._annotations[index]]

    def item_name(self, index: int) -> Optional[str]:
        """The name of item ``index`` (reads its record)."""
        return _get_str(self._load(self._items[index]), "name")

    # Reading records back.
    def _file_name(self) -> str:
        return os.path.basename(self.path)

    def _load(self, where: _Ref) -> Dict[str, Any]:
        if not isinstance(where, int):
            return where
        # One open file per process: DataLoader workers are forked with the
        # dataset, and a shared file position would mix their reads.
        if self._file is None or self._file_pid != os.getpid():
            self.close()  # a forked process's copy: its own now, to close
            self._file = open(self.path, "rb")
            self._file_pid = os.getpid()
        self._file.seek(where)
        line = self._file.readline().rstrip(b"\r\n")
        if line.endswith(b","):
            line = line[:-1]
        try:
            return json.loads(line)
        except ValueError as error:
            raise CalqueExportError(f"{self._file_name()}: the file changed since it was read: {error}") from None

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["_file"] = None
        state["_file_pid"] = -1
        return state

    def close(self) -> None:
        """Closes the file that samples are read from (reopened when needed)."""
        if getattr(self, "_file", None) is not None:
            self._file.close()  # type: ignore[union-attr]
            self._file = None

    def __del__(self) -> None:
        self.close()

    # Samples.
    def _label_of(self, annotation: Dict[str, Any]) -> int:
        labels = annotation.get("labels")
        if not isinstance(labels, list):
            return -1
        return self._first_label(label for label in labels if isinstance(label, str))

    def _shape_of(self, item: Dict[str, Any], annotation: Dict[str, Any], kinds: Tuple[str, ...]) -> Dict[str, Any]:
        shape = annotation.get("shape")
        if not isinstance(shape, dict) or shape.get("type") not in kinds:
            kind = shape.get("type") if isinstance(shape, dict) else None
            raise CalqueExportError(f"{self._file_name()}: annotation {annotation.get('id')}: a “{kind}” shape "
                                    f"on the {item.get('media')} item “{item.get('name')}”")
        return shape

    def _media_path(self, item: Dict[str, Any]) -> Optional[str]:
        sha256 = _get_str(item, "sha256")
        return os.path.join(self.media_dir, sha256) if sha256 else None

    def _image_sample(self, item: Dict[str, Any], annotations: List[Dict[str, Any]]) -> Tuple[Any, Dict[str, Any]]:
        boxes: List[Tuple[float, float, float, float]] = []
        box_labels: List[int] = []
        rotations: List[float] = []
        polygons: List[torch.Tensor] = []
        polygon_labels: List[int] = []
        holes: List[List[torch.Tensor]] = []
        polylines: List[torch.Tensor] = []
        polyline_labels: List[int] = []
        points: List[Tuple[float, float]] = []
        point_labels: List[int] = []
        classification: List[int] = []

        for annotation in annotations:
            shape = self._shape_of(item, annotation, ("box", "polygon", "polyline", "point", "classification"))
            label = self._label_of(annotation)
            kind = shape["type"]
            if kind == "box":
                boxes.append(_box_bounds(shape))
                rotations.append(float(shape.get("rotation", 0)))
                box_labels.append(label)
            elif kind == "polygon":
                polygons.append(_ring(shape.get("points", [])))
                holes.append([_ring(hole) for hole in shape.get("holes", [])])
                polygon_labels.append(label)
            elif kind == "polyline":
                polylines.append(_ring(shape.get("points", [])))
                polyline_labels.append(label)
            elif kind == "point":
                points.append((float(shape["x"]), float(shape["y"])))
                point_labels.append(label)
            else:
                classification.append(label)

        path = self._media_path(item)
        target: Dict[str, Any] = {
            "boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            "labels": torch.tensor(box_labels, dtype=torch.int64),
            "rotations": torch.tensor(rotations, dtype=torch.float32),
            "polygons": polygons,
            "polygon_labels": torch.tensor(polygon_labels, dtype=torch.int64),
            "holes": holes,
            "polylines": polylines,
            "polyline_labels": torch.tensor(polyline_labels, dtype=torch.int64),
            "points": torch.tensor(points, dtype=torch.float32).reshape(-1, 2),
            "point_labels": torch.tensor(point_labels, dtype=torch.int64),
            "classification": torch.tensor(classification, dtype=torch.int64),
            "item_id": item["id"],
            "name": _get_str(item, "name"),
            "width": _get_int(item, "width", 0),
            "height": _get_int(item, "height", 0),
        }
        if self.decode_images:
            if path is None:
                raise CalqueExportError(f"{self._file_name()}: image “{target['name']}” has no media file "
                                        f"(only a URL: {_get_str(item, 'url')})")
            return _decode_image(path, target["name"]), target
        return path if path is not None else _get_str(item, "url"), target

    def _text_sample(self, item: Dict[str, Any], annotations: List[Dict[str, Any]]) -> Tuple[str, Dict[str, Any]]:
        spans: List[Tuple[int, int]] = []
        labels: List[int] = []
        classification: List[int] = []
        for annotation in annotations:
            shape = self._shape_of(item, annotation, ("span", "classification"))
            if shape["type"] == "span":
                spans.append((int(shape["start"]), int(shape["end"])))
                labels.append(self._label_of(annotation))
            else:
                classification.append(self._label_of(annotation))
        return _get_str(item, "text") or "", {
            "spans": torch.tensor(spans, dtype=torch.int64).reshape(-1, 2),
            "labels": torch.tensor(labels, dtype=torch.int64),
            "classification": torch.tensor(classification, dtype=torch.int64),
            "item_id": item["id"],
            "name": _get_str(item, "name"),
        }

    def _audio_sample(self, item: Dict[str, Any], annotations: List[Dict[str, Any]]) -> Tuple[Optional[str], Dict[str, Any]]:
        segments: List[Tuple[float, float]] = []
        labels: List[int] = []
        channels: List[int] = []
        classification: List[int] = []
        for annotation in annotations:
            shape = self._shape_of(item, annotation, ("segment", "classification"))
            if shape["type"] == "segment":
                segments.append((float(shape["start"]), float(shape["end"])))
                labels.append(self._label_of(annotation))
                channels.append(_get_int(shape, "channel", -1))
            else:
                classification.append(self._label_of(annotation))
        path = self._media_path(item)
        return path if path is not None else _get_str(item, "url"), {
            "segments": torch.tensor(segments, dtype=torch.float64).reshape(-1, 2),
            "labels": torch.tensor(labels, dtype=torch.int64),
            "channels": torch.tensor(channels, dtype=torch.int64),
            "classification": torch.tensor(classification, dtype=torch.int64),
            "item_id": item["id"],
            "name": _get_str(item, "name"),
            "duration": float(item.get("duration", 0)),
            "sample_rate": _get_int(item, "sample_rate", 0),
        }


def collate_fn(batch: Sequence[Tuple[Any, Dict[str, Any]]]) -> Tuple[List[Any], List[Dict[str, Any]]]:
    """Batches samples for detection-style models: a list of inputs and a
    list of targets, since images differ in size and items in their number
    of annotations (``DataLoader(dataset, batch_size=4, collate_fn=collate_fn)``).
    """
    samples = [sample for sample, _target in batch]
    targets = [target for _sample, target in batch]
    return samples, targets


def _ring(points: Any) -> torch.Tensor:
    """A flat [x0, y0, x1, y1, …] list as a float32 K×2 tensor."""
    return torch.tensor(points, dtype=torch.float32).reshape(-1, 2)


def _box_bounds(shape: Dict[str, Any]) -> Tuple[float, float, float, float]:
    """x1, y1, x2, y2 of a box; of a turned box, the bounds of its corners,
    turned around the centre as calque-shape.c turns them."""
    x, y, w, h = float(shape["x"]), float(shape["y"]), float(shape["w"]), float(shape["h"])
    rotation = float(shape.get("rotation", 0))
    if rotation == 0:
        return x, y, x + w, y + h
    rad = rotation * math.pi / 180.0
    c, s = math.cos(rad), math.sin(rad)
    cx, cy = x + w / 2, y + h / 2
    xs, ys = [], []
    for dx in (-w / 2, w / 2):
        for dy in (-h / 2, h / 2):
            xs.append(cx + dx * c - dy * s)
            ys.append(cy + dx * s + dy * c)
    return min(xs), min(ys), max(xs), max(ys)


def _decode_image(path: str, name: Optional[str]) -> torch.Tensor:
    """A uint8 3×H×W RGB tensor: torchvision reads PNG and JPEG; Pillow,
    when present, the rest (WebP, TIFF, BMP)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: the media file of image “{name}” is missing "
                                "(was the export made with --no-media?)")
    try:
        from torchvision.io import ImageReadMode, read_image
    except ImportError:
        read_image = None  # type: ignore[assignment]
    if read_image is not None:
        try:
            return read_image(path, ImageReadMode.RGB)
        except RuntimeError:
            pass  # a format torchvision does not decode
    try:
        from PIL import Image
    except ImportError:
        raise CalqueExportError(f"{path}: cannot decode image “{name}”: torchvision does not read this "
                                "format and Pillow is not installed") from None
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        data = torch.frombuffer(bytearray(rgb.tobytes()), dtype=torch.uint8)
        return data.reshape(rgb.height, rgb.width, 3).permute(2, 0, 1).contiguous()


# Reading the file.

def _read_index(path: str) -> _Index:
    name = os.path.basename(path)
    index = _Index()
    with open(path, "rb") as file:
        first = file.readline()
        header = _parse_header(first)
        if header is not None:
            records = _records_by_line(file, name, len(first))
        else:
            file.seek(0)
            header, records = _records_whole(file, name)
            index.in_memory = True
        _check_header(header, name)
        index.header = header
        for line, where, record in records:
            _add_record(index, record, where, header["project"], name, line)

    if index.project is None:
        raise CalqueExportError(f"{name}: the project record {header['project']} is missing")
    return index


def _parse_header(line: bytes) -> Optional[Dict[str, Any]]:
    """The header of an export laid out one record per line, or None."""
    line = line.rstrip(b"\r\n")
    if not line.startswith(b"{") or not line.endswith(b'"records":['):
        return None
    try:
        header = json.loads(line + b"]}")
    except ValueError:
        return None
    return header if isinstance(header, dict) and "calque_export" in header else None


def _check_header(header: Any, name: str) -> None:
    if not isinstance(header, dict) or "calque_export" not in header:
        raise CalqueExportError(f"{name}: not a Calque native export (no “calque_export”)")
    version = header["calque_export"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CalqueExportError(f"{name}: “calque_export” is {version!r}, not a format version")
    if version > NATIVE_FORMAT_VERSION:
        raise CalqueExportError(f"{name}: format version {version} is newer than this reader "
                                f"({NATIVE_FORMAT_VERSION}); update calque_dataset.py")
    if not isinstance(header.get("project"), str):
        raise CalqueExportError(f"{name}: the header names no project")


def _records_by_line(file: BinaryIO, name: str, offset: int) -> Iterator[Tuple[int, _Ref, Dict[str, Any]]]:
    line_no = 1
    ended = False
    while True:
        line = file.readline()
        if not line:
            break
        line_no += 1
        where = offset
        offset += len(line)
        text = line.strip()
        if ended:
            if text:
                raise CalqueExportError(f"{name}: line {line_no}: something after the end of the records")
            continue
        if text == b"]}":
            ended = True
            continue
        if not text:
            continue
        if text.endswith(b","):
            text = text[:-1]
        try:
            record = json.loads(text)
        except ValueError as error:
            raise CalqueExportError(f"{name}: line {line_no}: not a JSON record: {error}") from None
        yield line_no, where, record
    if not ended:
        raise CalqueExportError(f"{name}: line {line_no}: the file ends before “]}}”: "
                                "it is cut short (an export that did not finish?)")


def _records_whole(file: BinaryIO, name: str) -> Tuple[Any, Iterator[Tuple[int, _Ref, Dict[str, Any]]]]:
    try:
        document = json.load(file)
    except ValueError as error:
        raise CalqueExportError(f"{name}: not JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("records"), list):
        raise CalqueExportError(f"{name}: not a Calque native export (no “records” list)")
    records = document.pop("records")
    return document, ((n + 1, record, record) for n, record in enumerate(records))


def _add_record(index: _Index, record: Any, where: _Ref, project_id: str, name: str, line: int) -> None:
    where_text = f"line {line}" if isinstance(where, int) else f"record {line}"
    if not isinstance(record, dict):
        raise CalqueExportError(f"{name}: {where_text}: not a JSON object")
    kind, record_id = record.get("kind"), record.get("id")
    if not isinstance(kind, str) or not isinstance(record_id, str):
        raise CalqueExportError(f"{name}: {where_text}: a record needs a string “id” and “kind”")
    if record.get("project") != project_id:
        raise CalqueExportError(f"{name}: {where_text}: {kind} {record_id} belongs to project "
                                f"{record.get('project')}, not to the exported {project_id}")
    if record.get("deleted") is True:
        index.tombstones += 1
        return

    def need(field: str) -> str:
        value = record.get(field)
        if not isinstance(value, str):
            raise CalqueExportError(f"{name}: {where_text}: {kind} {record_id}: “{field}” is missing or not a string")
        return value

    if kind == "project":
        if record_id == project_id:
            index.project = {key: value for key, value in record.items() if key != "description"}
    elif kind == "label":
        need("name")
        index.labels.append(record)
    elif kind == "item":
        media = need("media")
        if media not in ("image", "text", "audio"):
            raise CalqueExportError(f"{name}: {where_text}: item {record_id}: media “{media}” is not image, text or audio")
        # Only the position is kept: a text can be megabytes.
        index.items.append((record_id, _get_str(record, "name"), where))
    elif kind == "task":
        index.tasks.setdefault(need("item"), []).append(_Task(record))
    elif kind == "review":
        index.reviews.setdefault(need("item"), []).append(_Review(record))
    elif kind == "annotation":
        item_id = need("item")
        labels = record.get("labels")
        label_ids = tuple(index.share(label) for label in labels if isinstance(label, str)) if isinstance(labels, list) else ()
        if not isinstance(record.get("shape"), dict):
            raise CalqueExportError(f"{name}: {where_text}: annotation {record_id}: no “shape”")
        if record_id < index.last_annotation_id:
            index.annotations_in_order = False
        index.last_annotation_id = max(record_id, index.last_annotation_id)
        index.annotations.setdefault(item_id, []).append(
            (index.share(_get_str(record, "author")), index.share(label_ids), where))
    # Members, comments and conflicts say nothing about a sample.
