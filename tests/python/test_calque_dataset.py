"""test_calque_dataset — python/calque_dataset.py on exports of the real calque-cli

A real workspace is made with calque-cli (init, project create, import of
PNG, text and WAV files written here), the annotations, tasks, reviews and
tombstones that calque-cli cannot make are saved through the store by
calque-test-fill, and each project is exported with
``calque-cli export --format json``. The dataset reads those files.

    /usr/bin/python3 test_calque_dataset.py [--tap] [unittest options]

Environment: CALQUE_CLI, CALQUE_TEST_FILL (the programs) and
CALQUE_PYTHON_DIR (where calque_dataset.py is); meson sets them.
"""

import hashlib
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import wave
import zlib

sys.path.insert(0, os.environ.get("CALQUE_PYTHON_DIR",
                                  os.path.join(os.path.dirname(__file__), "..", "..", "python")))

import torch  # noqa: E402  (python3-torch, build-aux/debian-packages)
from torch.utils.data import DataLoader  # noqa: E402

from calque_dataset import CalqueDataset, CalqueExportError, collate_fn  # noqa: E402

CLI = os.environ.get("CALQUE_CLI")
FILL = os.environ.get("CALQUE_TEST_FILL")
SELECT = os.environ.get("CALQUE_TEST_SELECT")


def pixel(seed, x, y):
    return ((x * 5 + seed) % 256, (y * 7 + seed) % 256, (x + y + seed * 3) % 256)


def write_png(path, width, height, seed):
    """An 8-bit RGB PNG whose pixels are pixel(seed, x, y)."""
    rows = b"".join(b"\x00" + bytes(c for x in range(width) for c in pixel(seed, x, y))
                    for y in range(height))

    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    with open(path, "wb") as file:
        file.write(b"\x89PNG\r\n\x1a\n"
                   + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                   + chunk(b"IDAT", zlib.compress(rows))
                   + chunk(b"IEND", b""))


def write_wav(path, seconds, rate, channels):
    with wave.open(path, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = bytearray()
        for n in range(int(seconds * rate)):
            value = int(8000 * math.sin(2 * math.pi * 440 * n / rate))
            frames += struct.pack("<h", value) * channels
        out.writeframes(bytes(frames))


def cli(*args, check=True):
    run = subprocess.run([CLI, *args], capture_output=True, text=True)
    if check and run.returncode != 0:
        raise AssertionError(f"calque-cli {' '.join(args)} exited {run.returncode}: {run.stderr}")
    return run


def fill(workspace, spec_dir, project, records):
    """Saves @records through the store; returns {ref: id}."""
    spec = os.path.join(spec_dir, f"{project}.spec.json")
    with open(spec, "w", encoding="utf-8") as file:
        json.dump({"project": project, "records": records}, file)
    run = subprocess.run([FILL, workspace, spec], capture_output=True, text=True)
    if run.returncode != 0:
        raise AssertionError(f"calque-test-fill: {run.stderr}")
    return json.loads(run.stdout)


def task(ref, item, annotator, state, **times):
    return {"ref": ref, "kind": "task",
            "fields": {"item": f"@item:{item}", "annotator": annotator, "state": state, **times}}


def review(ref, item, reviewer, decision, created, task_ref=None):
    fields = {"item": f"@item:{item}", "reviewer": reviewer, "decision": decision, "created": created}
    if task_ref:
        fields["task"] = f"@{task_ref}"
    return {"ref": ref, "kind": "review", "fields": fields}


def annotation(ref, item, author, labels, shape, deleted=False, item_ref=None, **fields):
    return {"ref": ref, "kind": "annotation", "deleted": deleted,
            "fields": {"item": item_ref or f"@item:{item}", "author": author,
                       "labels": [f"@label:{label}" if not label.startswith("@") else label for label in labels],
                       "shape": shape, **fields}}


def box(x, y, w, h, rotation=None):
    shape = {"type": "box", "x": x, "y": y, "w": w, "h": h}
    if rotation is not None:
        shape["rotation"] = rotation
    return shape


def points_of(tensor):
    return [[float(v) for v in row] for row in tensor.tolist()]


class Exports:
    """The workspace and the three exports, made once for every test."""

    dir = None
    ids = {}
    images = {}   # name → (width, height, seed)

    @classmethod
    def make(cls):
        if cls.dir is not None:
            return
        cls.dir = tempfile.mkdtemp(prefix="calque-dataset-")
        ws = cls.workspace = os.path.join(cls.dir, "workspace")
        inputs = os.path.join(cls.dir, "inputs")
        os.makedirs(os.path.join(inputs, "images"))
        cli("init", ws)

        # Images: names chosen so that their order is the code points' (B < a < é).
        cli("-w", ws, "project", "create", "--name", "Photos", "--type", "image",
            "--label", "cat", "--label", "dog", "--label", "bird")
        cls.images = {"a.png": (40, 30, 1), "b.png": (64, 48, 2), "B.png": (32, 32, 3),
                      "c.png": (30, 30, 4), "d.png": (30, 30, 5), "é.png": (20, 20, 6)}
        for name, (width, height, seed) in cls.images.items():
            write_png(os.path.join(inputs, "images", name), width, height, seed)
        # Files one by one: an item is named after its file (a folder's
        # items are named after their path inside it).
        cli("-w", ws, "import", "--project", "Photos",
            *(os.path.join(inputs, "images", name) for name in cls.images))

        photos = [
            # Labels beyond the CLI's three (positions 0, 1, 2): zebra shares
            # dog's position (then by name), ant has none (last), gone is deleted.
            {"ref": "zebra", "kind": "label", "fields": {"name": "zebra", "color": "#33d17a", "position": 1}},
            {"ref": "ant", "kind": "label", "fields": {"name": "ant", "color": "#f6d32d"}},
            {"ref": "gone", "kind": "label", "fields": {"name": "gone", "color": "#000000", "position": 0},
             "deleted": True},
            # An item known by its URL only, and a deleted one.
            {"ref": "url_item", "kind": "item",
             "fields": {"media": "image", "name": "url.png", "url": "https://example.org/url.png",
                        "width": 50, "height": 50}},
            {"ref": "gone_item", "kind": "item",
             "fields": {"media": "image", "name": "0-gone.png", "url": "https://example.org/gone.png",
                        "width": 50, "height": 50}, "deleted": True},

            # a.png: alice accepted, bruno submitted; rita accepts bruno's: final = bruno.
            task("t_a_alice", "a.png", "alice", "accepted", updated=1000),
            task("t_a_bruno", "a.png", "bruno", "submitted", updated=2000),
            annotation("a_box", "a.png", "alice", ["cat"], box(2, 3, 10, 5), confidence=0.875),
            annotation("a_polygon", "a.png", "alice", ["dog"],
                       {"type": "polygon", "points": [1, 1, 20, 1, 20, 15, 1, 15],
                        "holes": [[5, 5, 8, 5, 8, 8], [10, 10, 12, 10, 12, 12.5]]}),
            annotation("a_polyline", "a.png", "alice", ["bird"],
                       {"type": "polyline", "points": [0, 0, 10, 10, 20, 5.5]}),
            annotation("a_point", "a.png", "alice", ["zebra"], {"type": "point", "x": 3.5, "y": 4.25}),
            annotation("a_class", "a.png", "alice", ["ant"], {"type": "classification"}),
            annotation("a_nolabel", "a.png", "alice", [], box(30, 20, 5, 5)),
            annotation("a_gonelabel", "a.png", "alice", ["@gone"], box(31, 21, 4, 4)),
            annotation("a_deleted", "a.png", "alice", ["cat"], box(0, 0, 1, 1), deleted=True),
            annotation("a_rot90", "a.png", "bruno", ["dog"], box(10, 10, 10, 4, rotation=90)),
            annotation("a_rot30", "a.png", "bruno", ["cat"], box(10, 10, 10, 4, rotation=30)),
            review("r_a", "a.png", "rita", "accepted", 5000, "t_a_bruno"),

            # b.png: an older review accepted alice's task, the latest merged: final = rita.
            task("t_b_alice", "b.png", "alice", "accepted", updated=500),
            annotation("b_alice", "b.png", "alice", ["@gone", "bird", "cat"], box(1, 2, 3, 4)),
            annotation("b_rita_box", "b.png", "rita", ["dog"], box(40, 30, 20, 10)),
            annotation("b_rita_point", "b.png", "rita", ["cat"], {"type": "point", "x": 63, "y": 47}),
            review("r_b_old", "b.png", "rita", "accepted", 1000, "t_b_alice"),
            review("r_b_new", "b.png", "rita", "merged", 2000),

            # B.png: no review; three accepted tasks: chloe's has no "updated",
            # its "created" ties with bruno's "updated", and hers is the later
            # task: final = chloe.
            task("t_B_alice", "B.png", "alice", "accepted", updated=3000),
            task("t_B_bruno", "B.png", "bruno", "accepted", updated=4500),
            task("t_B_chloe", "B.png", "chloe", "accepted", created=4500),
            annotation("B_alice", "B.png", "alice", ["cat"], box(0, 0, 8, 8)),
            annotation("B_bruno", "B.png", "bruno", ["dog"], box(1, 1, 8, 8)),
            annotation("B_chloe", "B.png", "chloe", ["bird"], {"type": "point", "x": 16, "y": 16}),

            # c.png: the latest review rejected: no final version. Alice has
            # a task and nothing drawn.
            task("t_c_alice", "c.png", "alice", "accepted", updated=100),
            annotation("c_bruno", "c.png", "bruno", ["cat"], {"type": "point", "x": 1, "y": 1}),
            review("r_c_old", "c.png", "rita", "accepted", 1000, "t_c_alice"),
            review("r_c_new", "c.png", "rita", "rejected", 2000, "t_c_alice"),

            # d.png: submitted, never accepted: no final version.
            task("t_d_alice", "d.png", "alice", "submitted"),
            annotation("d_alice", "d.png", "alice", ["dog"], box(5, 5, 10, 10)),

            # é.png: two reviews at the same time: the later one (merged) wins.
            task("t_e_alice", "é.png", "alice", "accepted"),
            annotation("e_alice", "é.png", "alice", ["cat"], box(1, 1, 5, 5)),
            annotation("e_rita", "é.png", "rita", ["cat"], {"type": "classification"}),
            review("r_e_1", "é.png", "rita", "accepted", 3000, "t_e_alice"),
            review("r_e_2", "é.png", "rita", "merged", 3000),

            # url.png: no task at all.
            annotation("u_bruno", "url.png", "bruno", ["dog"], {"type": "point", "x": 10, "y": 20}),
            # A model's prediction: only when asked for by its name.
            annotation("d_model", "d.png", "model:yolo", ["cat"], box(2, 2, 6, 6)),
            # The deleted item's annotation never shows.
            annotation("g_alice", None, "alice", ["cat"], box(1, 1, 2, 2), item_ref="@gone_item"),
        ]
        cls.ids.update(fill(ws, inputs, "Photos", photos))
        cls.photos = os.path.join(cls.dir, "export", "photos", "photos.json")
        cli("-w", ws, "export", "--project", "Photos", "--format", "json", "--output", cls.photos)

        # Texts: one item per line; "notes.txt:10" sorts before "notes.txt:2".
        cli("-w", ws, "project", "create", "--name", "Notes", "--type", "text",
            "--label", "place", "--label", "emoji", "--label", "positive")
        with open(os.path.join(inputs, "notes.txt"), "w", encoding="utf-8") as file:
            file.write("Café 👍 ok\nParis is in France\n")
            for n in range(3, 11):
                file.write(f"line {n}\n")
        cli("-w", ws, "import", "--project", "Notes", os.path.join(inputs, "notes.txt"))
        notes = [
            annotation("n_cafe", "notes.txt:1", "alice", ["place"], {"type": "span", "start": 0, "end": 4}),
            annotation("n_emoji", "notes.txt:1", "alice", ["emoji"], {"type": "span", "start": 5, "end": 6}),
            annotation("n_class", "notes.txt:1", "alice", ["positive"], {"type": "classification"}),
            annotation("n_gone", "notes.txt:1", "alice", ["place"], {"type": "span", "start": 7, "end": 9},
                       deleted=True),
            annotation("n_paris", "notes.txt:2", "bruno", ["place"], {"type": "span", "start": 0, "end": 5}),
            annotation("n_france", "notes.txt:2", "bruno", ["place"], {"type": "span", "start": 12, "end": 18}),
        ]
        cls.ids.update(fill(ws, inputs, "Notes", notes))
        cls.notes = os.path.join(cls.dir, "export", "notes", "notes.json")
        cli("-w", ws, "export", "--project", "Notes", "--format", "json", "--output", cls.notes)

        # Audio: 2.5 s of stereo.
        cli("-w", ws, "project", "create", "--name", "Sounds", "--type", "audio",
            "--label", "speech", "--label", "music")
        cls.wav = os.path.join(inputs, "talk.wav")
        write_wav(cls.wav, 2.5, 8000, 2)
        cli("-w", ws, "import", "--project", "Sounds", cls.wav)
        sounds = [
            annotation("s_speech", "talk.wav", "alice", ["speech"], {"type": "segment", "start": 0.25, "end": 1.5}),
            annotation("s_music", "talk.wav", "alice", ["music"],
                       {"type": "segment", "start": 1.125, "end": 2.375, "channel": 1}),
            annotation("s_class", "talk.wav", "alice", ["music"], {"type": "classification"}),
        ]
        cls.ids.update(fill(ws, inputs, "Sounds", sounds))
        cls.sounds = os.path.join(cls.dir, "export", "sounds", "sounds.json")
        cli("-w", ws, "export", "--project", "Sounds", "--format", "json", "--output", cls.sounds)

    @classmethod
    def cleanup(cls):
        if cls.dir is not None:
            shutil.rmtree(cls.dir, ignore_errors=True)
            cls.dir = None


def setUpModule():
    if not CLI or not FILL or not SELECT:
        raise RuntimeError("CALQUE_CLI, CALQUE_TEST_FILL and CALQUE_TEST_SELECT must name "
                           "calque-cli, calque-test-fill and calque-test-select")
    Exports.make()


def tearDownModule():
    Exports.cleanup()


class DatasetTestCase(unittest.TestCase):
    def by_name(self, dataset):
        return {dataset[n][1]["name"]: dataset[n] for n in range(len(dataset))}

    def assertPoints(self, tensor, expected, places=None):
        self.assertEqual(tensor.dtype, torch.float32)
        if places is None:
            self.assertEqual(points_of(tensor), [[float(v) for v in row] for row in expected])
        else:
            self.assertEqual(tuple(tensor.shape), (len(expected), len(expected[0]) if expected else tensor.shape[1]))
            for row, want in zip(tensor.tolist(), expected):
                for value, number in zip(row, want):
                    self.assertAlmostEqual(value, number, places=places)


class TestImages(DatasetTestCase):
    def test_classes_in_position_name_id_order(self):
        dataset = CalqueDataset(Exports.photos)
        self.assertEqual(dataset.classes, ["cat", "dog", "zebra", "bird", "ant"])
        self.assertEqual(dataset.class_to_idx["zebra"], 2)
        self.assertEqual(dataset.label_ids[2], Exports.ids["zebra"])
        self.assertEqual(dataset.project_name, "Photos")
        self.assertEqual(dataset.project_type, "image")

    def test_all_items_in_name_order_without_tombstones(self):
        dataset = CalqueDataset(Exports.photos, version="all")
        names = [dataset[n][1]["name"] for n in range(len(dataset))]
        self.assertEqual(names, ["B.png", "a.png", "b.png", "c.png", "d.png", "url.png", "é.png"])
        self.assertEqual(dataset.skipped, 0)
        # Tombstones: the label, the item, an annotation.
        self.assertEqual(dataset.tombstones, 3)
        # The model's prediction on d.png is not among them.
        # 9 on a.png, 3 on b.png, 3 on B.png, 1 on c, 1 on d, 2 on é, 1 on url.
        self.assertEqual(dataset.num_annotations, 20)

    def test_every_image_shape(self):
        dataset = CalqueDataset(Exports.photos, version="all")
        path, target = self.by_name(dataset)["a.png"]
        self.assertRegex(target["item_id"], "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-")
        self.assertEqual((target["width"], target["height"]), (40, 30))

        # Boxes in id order (creation): alice's three live ones, then bruno's two turned ones.
        boxes = target["boxes"]
        self.assertEqual(boxes.dtype, torch.float32)
        self.assertEqual(tuple(boxes.shape), (5, 4))
        self.assertEqual(points_of(boxes[:3]), [[2, 3, 12, 8], [30, 20, 35, 25], [31, 21, 35, 25]])
        # 90° around the centre (15, 12): 4 wide and 10 high.
        self.assertPoints(boxes[3:4], [[13, 7, 17, 17]], places=4)
        # 30°: half extents 5·cos30 + 2·sin30 and 5·sin30 + 2·cos30.
        hx = 5 * math.cos(math.radians(30)) + 2 * math.sin(math.radians(30))
        hy = 5 * math.sin(math.radians(30)) + 2 * math.cos(math.radians(30))
        self.assertPoints(boxes[4:5], [[15 - hx, 12 - hy, 15 + hx, 12 + hy]], places=4)
        self.assertEqual(target["rotations"].tolist(), [0, 0, 0, 90, 30])
        # cat; no label; a deleted label; dog; cat.
        self.assertEqual(target["labels"].dtype, torch.int64)
        self.assertEqual(target["labels"].tolist(), [0, -1, -1, 1, 0])

        self.assertEqual(len(target["polygons"]), 1)
        self.assertPoints(target["polygons"][0], [[1, 1], [20, 1], [20, 15], [1, 15]])
        self.assertEqual(len(target["holes"]), 1)
        self.assertEqual(len(target["holes"][0]), 2)
        self.assertPoints(target["holes"][0][0], [[5, 5], [8, 5], [8, 8]])
        self.assertPoints(target["holes"][0][1], [[10, 10], [12, 10], [12, 12.5]])
        self.assertEqual(target["polygon_labels"].tolist(), [1])

        self.assertEqual(len(target["polylines"]), 1)
        self.assertPoints(target["polylines"][0], [[0, 0], [10, 10], [20, 5.5]])
        self.assertEqual(target["polyline_labels"].tolist(), [3])

        self.assertPoints(target["points"], [[3.5, 4.25]])
        self.assertEqual(target["point_labels"].tolist(), [2])
        self.assertEqual(target["classification"].tolist(), [4])

        # What the tensors leave out is in the records.
        item, annotations = dataset.records(1)
        self.assertEqual(item["name"], "a.png")
        self.assertEqual([a["id"] for a in annotations][:2], [Exports.ids["a_box"], Exports.ids["a_polygon"]])
        self.assertEqual(annotations[0]["confidence"], 0.875)
        self.assertEqual(annotations[0]["author"], "alice")

        # The media file is the image imported, under its hash.
        with open(path, "rb") as file:
            data = file.read()
        self.assertEqual(os.path.basename(path), hashlib.sha256(data).hexdigest())
        self.assertEqual(os.path.dirname(path), os.path.join(os.path.dirname(Exports.photos), "media"))

    def test_empty_targets_have_shapes(self):
        dataset = CalqueDataset(Exports.photos, annotator="alice")
        _path, target = self.by_name(dataset)["c.png"]
        self.assertEqual(tuple(target["boxes"].shape), (0, 4))
        self.assertEqual(tuple(target["points"].shape), (0, 2))
        self.assertEqual(tuple(target["labels"].shape), (0,))
        self.assertEqual(target["polygons"], [])

    def test_url_item(self):
        dataset = CalqueDataset(Exports.photos)
        path, target = self.by_name(dataset)["url.png"]
        self.assertEqual(path, "https://example.org/url.png")
        self.assertEqual(target["item_id"], Exports.ids["url_item"])
        self.assertPoints(target["points"], [[10, 20]])
        with self.assertRaisesRegex(CalqueExportError, "photos.json: image “url.png” has no media file"):
            CalqueDataset(Exports.photos, decode_images=True)[5]

    def test_decoded_images(self):
        dataset = CalqueDataset(Exports.photos, decode_images=True)
        for n in (0, 1, 2, 6):
            image, target = dataset[n]
            width, height, seed = Exports.images[target["name"]]
            self.assertEqual(image.dtype, torch.uint8)
            self.assertEqual(tuple(image.shape), (3, height, width))
            for x, y in ((0, 0), (width - 1, 0), (3, height - 1), (width // 2, height // 3)):
                self.assertEqual(tuple(image[:, y, x].tolist()), pixel(seed, x, y), (target["name"], x, y))


class TestVersions(DatasetTestCase):
    def test_final(self):
        dataset = CalqueDataset(Exports.photos, version="final")
        samples = self.by_name(dataset)
        self.assertEqual(list(samples), ["B.png", "a.png", "b.png", "é.png"])
        # c.png (rejected), d.png (never accepted), url.png (no task).
        self.assertEqual(dataset.skipped, 3)
        # a.png: bruno's task was accepted: his two turned boxes only.
        a = samples["a.png"][1]
        self.assertEqual(a["rotations"].tolist(), [90, 30])
        self.assertEqual(a["labels"].tolist(), [1, 0])
        self.assertEqual(a["polygons"], [])
        self.assertEqual(a["classification"].tolist(), [])
        # b.png: merged: rita's box and point.
        b = samples["b.png"][1]
        self.assertEqual(points_of(b["boxes"]), [[40, 30, 60, 40]])
        self.assertEqual(b["labels"].tolist(), [1])
        self.assertPoints(b["points"], [[63, 47]])
        self.assertEqual(b["point_labels"].tolist(), [0])
        # B.png: chloe's accepted task: created when bruno's was updated, and later.
        big_b = samples["B.png"][1]
        self.assertEqual(tuple(big_b["boxes"].shape), (0, 4))
        self.assertPoints(big_b["points"], [[16, 16]])
        self.assertEqual(big_b["point_labels"].tolist(), [3])
        # é.png: of two reviews at the same time, the later (merged) decides.
        e = samples["é.png"][1]
        self.assertEqual(tuple(e["boxes"].shape), (0, 4))
        self.assertEqual(e["classification"].tolist(), [0])
        self.assertEqual(dataset.num_annotations, 2 + 2 + 1 + 1)

    def test_annotator(self):
        dataset = CalqueDataset(Exports.photos, annotator="alice")
        samples = self.by_name(dataset)
        # url.png has neither a task nor an annotation of hers.
        self.assertEqual(list(samples), ["B.png", "a.png", "b.png", "c.png", "d.png", "é.png"])
        self.assertEqual(dataset.skipped, 1)
        self.assertEqual(samples["a.png"][1]["labels"].tolist(), [0, -1, -1])
        self.assertEqual(samples["c.png"][1]["boxes"].shape[0], 0)
        # Her box on b.png carries a deleted label, then bird, then cat: bird.
        self.assertEqual(samples["b.png"][1]["labels"].tolist(), [3])
        self.assertEqual(points_of(samples["d.png"][1]["boxes"]), [[5, 5, 15, 15]])

        model = CalqueDataset(Exports.photos, annotator="model:yolo")
        self.assertEqual(len(model), 1)
        self.assertEqual(model[0][1]["name"], "d.png")
        self.assertEqual(points_of(model[0][1]["boxes"]), [[2, 2, 8, 8]])
        self.assertEqual(model.annotation_ids(0), [Exports.ids["d_model"]])

        bruno = CalqueDataset(Exports.photos, version="annotator", annotator="bruno")
        self.assertEqual([bruno[n][1]["name"] for n in range(len(bruno))], ["B.png", "a.png", "c.png", "url.png"])
        self.assertEqual(bruno.skipped, 3)

    def test_label_filter(self):
        dataset = CalqueDataset(Exports.photos, labels=["dog", "cat"])
        self.assertEqual(dataset.classes, ["cat", "dog"])
        samples = self.by_name(dataset)
        a = samples["a.png"][1]
        # Unlabelled shapes and other labels are left out.
        self.assertEqual(a["labels"].tolist(), [0, 1, 0])
        self.assertEqual(a["rotations"].tolist(), [0, 90, 30])
        self.assertEqual(a["polygon_labels"].tolist(), [1])
        self.assertEqual(a["polylines"], [])
        self.assertEqual(a["classification"].tolist(), [])
        # Deleted label, bird, cat: with bird filtered out, cat.
        self.assertEqual(samples["b.png"][1]["labels"].tolist(), [0, 1])
        self.assertEqual(samples["B.png"][1]["labels"].tolist(), [0, 1])

        self.assertEqual(CalqueDataset(Exports.photos, labels="zebra").classes, ["zebra"])
        with self.assertRaisesRegex(ValueError, "the project has no label “horse”"):
            CalqueDataset(Exports.photos, labels=["horse"])
        # A deleted label is no label of the project.
        with self.assertRaisesRegex(ValueError, "no label “gone”"):
            CalqueDataset(Exports.photos, labels=["gone"])

    def test_state_filter(self):
        submitted = CalqueDataset(Exports.photos, states=["submitted"])
        self.assertEqual([submitted[n][1]["name"] for n in range(len(submitted))], ["a.png", "d.png"])
        none = CalqueDataset(Exports.photos, states=["none"])
        self.assertEqual([none[n][1]["name"] for n in range(len(none))], ["url.png"])
        with self.assertRaisesRegex(ValueError, "“done” is not a task state"):
            CalqueDataset(Exports.photos, states=["done"])

    def test_bad_versions(self):
        with self.assertRaisesRegex(ValueError, "“best” is not a version"):
            CalqueDataset(Exports.photos, version="best")
        with self.assertRaisesRegex(ValueError, "needs the annotator"):
            CalqueDataset(Exports.photos, version="annotator")
        with self.assertRaisesRegex(ValueError, "give the annotator alone"):
            CalqueDataset(Exports.photos, version="final", annotator="alice")


class TestSameChoiceAsTheExports(DatasetTestCase):
    """Item by item, the annotations the C export source gives for the same choice."""

    CHOICES = [
        ("Photos", {}),
        ("Photos", {"version": "final"}),
        ("Photos", {"annotator": "alice"}),
        ("Photos", {"annotator": "bruno"}),
        ("Photos", {"annotator": "rita"}),
        ("Photos", {"annotator": "model:yolo"}),
        ("Photos", {"labels": ["dog", "cat"]}),
        ("Photos", {"labels": ["cat"], "version": "final"}),
        ("Photos", {"labels": ["bird"], "annotator": "alice"}),
        ("Photos", {"labels": ["ant", "zebra", "dog", "cat", "bird"]}),
        ("Photos", {"states": ["submitted"]}),
        ("Photos", {"states": ["none"]}),
        ("Photos", {"states": ["accepted", "rejected"], "version": "final"}),
        ("Notes", {}),
        ("Notes", {"version": "final"}),
        ("Notes", {"labels": ["emoji"]}),
        ("Sounds", {}),
    ]

    def test_choices(self):
        exports = {"Photos": Exports.photos, "Notes": Exports.notes, "Sounds": Exports.sounds}
        for project, choice in self.CHOICES:
            with self.subTest(project=project, **choice):
                args = [SELECT, Exports.workspace, project]
                if "version" in choice:
                    args += ["--version", choice["version"]]
                if "annotator" in choice:
                    args += ["--annotator", choice["annotator"]]
                for label in choice.get("labels", []):
                    args += ["--label", label]
                for state in choice.get("states", []):
                    args += ["--state", state]
                run = subprocess.run(args, capture_output=True, text=True, check=True)
                expected = json.loads(run.stdout)

                dataset = CalqueDataset(exports[project], **choice)
                self.assertEqual(dataset.classes, expected["classes"])
                self.assertEqual(dataset.skipped, expected["skipped"])
                got = [{"id": dataset[n][1]["item_id"], "annotations": dataset.annotation_ids(n)}
                       for n in range(len(dataset))]
                self.assertEqual(got, expected["items"])


class TestTextAndAudio(DatasetTestCase):
    def test_spans_in_code_points(self):
        dataset = CalqueDataset(Exports.notes)
        self.assertEqual(dataset.classes, ["place", "emoji", "positive"])
        names = [dataset[n][1]["name"] for n in range(len(dataset))]
        self.assertEqual(names[:3], ["notes.txt:1", "notes.txt:10", "notes.txt:2"])
        self.assertEqual(len(dataset), 10)

        text, target = dataset[0]
        self.assertEqual(text, "Café 👍 ok")
        self.assertEqual(target["spans"].dtype, torch.int64)
        self.assertEqual(target["spans"].tolist(), [[0, 4], [5, 6]])
        self.assertEqual([text[s:e] for s, e in target["spans"].tolist()], ["Café", "👍"])
        self.assertEqual(target["labels"].tolist(), [0, 1])
        self.assertEqual(target["classification"].tolist(), [2])

        text, target = dataset[2]
        self.assertEqual([text[s:e] for s, e in target["spans"].tolist()], ["Paris", "France"])
        self.assertEqual(target["labels"].tolist(), [0, 0])
        self.assertEqual(tuple(dataset[1][1]["spans"].shape), (0, 2))

    def test_segments(self):
        dataset = CalqueDataset(Exports.sounds)
        self.assertEqual(len(dataset), 1)
        path, target = dataset[0]
        self.assertEqual(target["name"], "talk.wav")
        self.assertEqual(target["segments"].dtype, torch.float64)
        self.assertEqual(target["segments"].tolist(), [[0.25, 1.5], [1.125, 2.375]])
        self.assertEqual(target["labels"].tolist(), [0, 1])
        self.assertEqual(target["channels"].tolist(), [-1, 1])
        self.assertEqual(target["classification"].tolist(), [1])
        self.assertAlmostEqual(target["duration"], 2.5, places=6)
        self.assertEqual(target["sample_rate"], 8000)
        with open(path, "rb") as exported, open(Exports.wav, "rb") as original:
            self.assertEqual(exported.read(), original.read())


class TestLoading(DatasetTestCase):
    def test_dataloader_batches(self):
        dataset = CalqueDataset(Exports.photos)
        for workers in (0, 2):
            loader = DataLoader(dataset, batch_size=3, shuffle=False, collate_fn=collate_fn, num_workers=workers)
            batches = list(loader)
            self.assertEqual([len(images) for images, _targets in batches], [3, 3, 1])
            images, targets = batches[0]
            self.assertIsInstance(images, list)
            self.assertEqual([t["name"] for t in targets], ["B.png", "a.png", "b.png"])
            self.assertEqual(targets[1]["labels"].tolist(), [0, -1, -1, 1, 0])
            self.assertEqual(points_of(targets[2]["boxes"]), [[1, 2, 4, 6], [40, 30, 60, 40]])

        decoded = DataLoader(CalqueDataset(Exports.photos, decode_images=True, version="final"),
                             batch_size=4, collate_fn=collate_fn)
        images, targets = next(iter(decoded))
        self.assertEqual([tuple(image.shape) for image in images], [(3, 32, 32), (3, 30, 40), (3, 48, 64), (3, 20, 20)])

    def test_transforms(self):
        def flip(image, target):
            target = dict(target)
            boxes = target["boxes"].clone()
            boxes[:, [0, 2]] = target["width"] - target["boxes"][:, [2, 0]]
            target["boxes"] = boxes
            return image, target

        _image, target = CalqueDataset(Exports.photos, version="final", transforms=flip)[2]
        self.assertEqual(points_of(target["boxes"]), [[4, 30, 24, 40]])

    def test_reformatted_file_reads_the_same(self):
        """A file laid out another way is read whole, with the same result."""
        with open(Exports.photos, encoding="utf-8") as file:
            document = json.load(file)
        other = os.path.join(os.path.dirname(Exports.photos), "pretty.json")
        with open(other, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2, ensure_ascii=False)
        for version in ("all", "final"):
            a, b = CalqueDataset(Exports.photos, version=version), CalqueDataset(other, version=version)
            self.assertEqual(len(a), len(b))
            for n in range(len(a)):
                self.assertEqual(a[n][0], b[n][0])
                self.assertEqual(repr(a[n][1]), repr(b[n][1]))

    def test_records_in_another_order_read_the_same(self):
        """Ties are broken by id, not by where a record is in the file."""
        with open(Exports.photos, "rb") as file:
            lines = file.read().split(b"\n")
        self.assertEqual(lines[-2:], [b"]}", b""])
        records = [line.rstrip(b",") for line in lines[1:-2]]
        records.reverse()
        other = os.path.join(os.path.dirname(Exports.photos), "reversed.json")
        with open(other, "wb") as file:
            file.write(lines[0] + b"\n" + b",\n".join(records) + b"\n]}\n")
        for choice in ({}, {"version": "final"}, {"annotator": "alice"}):
            a, b = CalqueDataset(Exports.photos, **choice), CalqueDataset(other, **choice)
            self.assertEqual([repr(a[n]) for n in range(len(a))], [repr(b[n]) for n in range(len(b))])
            self.assertEqual([a.annotation_ids(n) for n in range(len(a))],
                             [b.annotation_ids(n) for n in range(len(b))])

    def test_same_samples_twice(self):
        a, b = CalqueDataset(Exports.photos), CalqueDataset(Exports.photos)
        self.assertEqual([repr(a[n]) for n in range(len(a))], [repr(b[n]) for n in range(len(b))])


class TestBadFiles(DatasetTestCase):
    def write(self, name, data):
        path = os.path.join(Exports.dir, "bad", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(data)
        return path

    def lines(self):
        with open(Exports.photos, "rb") as file:
            return file.read().split(b"\n")

    def test_cut_short(self):
        lines = self.lines()
        # Stopped after a whole record: no closing "]}".
        path = self.write("cut.json", b"\n".join(lines[:6]) + b"\n")
        with self.assertRaisesRegex(CalqueExportError, r"cut.json: line 6: the file ends before “\]}”"):
            CalqueDataset(path)
        # Stopped in the middle of a record.
        path = self.write("half.json", b"\n".join(lines[:5]) + b"\n" + lines[5][:20])
        with self.assertRaisesRegex(CalqueExportError, "half.json: line 6: not a JSON record"):
            CalqueDataset(path)

    def test_bad_records(self):
        lines = self.lines()
        path = self.write("noid.json", b"\n".join(lines[:3] + [b'{"kind":"label"},'] + lines[3:]))
        with self.assertRaisesRegex(CalqueExportError, "noid.json: line 4: a record needs a string “id” and “kind”"):
            CalqueDataset(path)
        other = json.loads(lines[2].rstrip(b","))
        other["project"] = "0192d4e8-7c4b-7a31-9f02-5c1e8a7b3d90"
        path = self.write("other.json", b"\n".join(lines[:3] + [json.dumps(other).encode() + b","] + lines[3:]))
        with self.assertRaisesRegex(CalqueExportError, "other.json: line 4: .* belongs to project 0192d4e8-"):
            CalqueDataset(path)

    def test_not_an_export(self):
        path = self.write("list.json", b"[1, 2, 3]\n")
        with self.assertRaisesRegex(CalqueExportError, "list.json: not a Calque native export"):
            CalqueDataset(path)
        lines = self.lines()
        path = self.write("newer.json", b"\n".join([lines[0].replace(b'"calque_export":1', b'"calque_export":2')]
                                                   + lines[1:]))
        with self.assertRaisesRegex(CalqueExportError, "newer.json: format version 2 is newer than this reader"):
            CalqueDataset(path)
        path = self.write("noproject.json", b"\n".join([lines[0]] + lines[2:]))
        with self.assertRaisesRegex(CalqueExportError, "noproject.json: the project record .* is missing"):
            CalqueDataset(path)


class TapResult(unittest.TestResult):
    """Prints TAP, so that meson and build-aux/count-tests count each case."""

    def __init__(self, total):
        super().__init__()
        self.number = 0
        self.reported = False
        self.subtest_failures = []
        print(f"1..{total}", flush=True)

    def startTest(self, test):
        super().startTest(test)
        self.reported = False
        self.subtest_failures = []

    def stopTest(self, test):
        # A test whose subtests failed is reported neither as a success nor
        # as a failure by unittest: one "not ok" for them all.
        if not self.reported:
            self.report(test, False, details="\n".join(self.subtest_failures) or "no result")
        super().stopTest(test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.subtest_failures.append(f"{subtest.id()}\n{self._exc_info_to_string(err, test)}")

    def report(self, test, ok, note="", details=None):
        self.reported = True
        self.number += 1
        print(f"{'ok' if ok else 'not ok'} {self.number} - {test.id()}{note}", flush=True)
        for line in (details or "").splitlines():
            print(f"# {line}", flush=True)
        if details:
            print(f"{test.id()}:\n{details}", file=sys.stderr, flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.report(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.report(test, False, details=self.failures[-1][1])

    def addError(self, test, err):
        super().addError(test, err)
        self.report(test, False, details=self.errors[-1][1])

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.report(test, True, note=f" # SKIP {reason}")


def main():
    if "--tap" in sys.argv:
        sys.argv.remove("--tap")
        suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
        result = TapResult(suite.countTestCases())
        suite(result)
        sys.exit(0 if result.wasSuccessful() else 1)
    unittest.main()


if __name__ == "__main__":
    main()
