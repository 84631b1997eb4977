#!/usr/bin/python3
"""Calque's VOC and YOLO exports, read by the tools people train with.

Run by tests/client/test-voc-yolo.c (/voc-yolo/torchvision) on the exports
that calque-cli made of its "Pets" project:

    test_voc_torchvision.py VOC_DIR YOLO_DIR YOLO_SEG_DIR

The VOC folder is opened with torchvision.datasets.VOCDetection, as a
training script would, and its boxes become the tensors a detection model
takes. There is no Ultralytics in Debian: the YOLO folders are read the way
Ultralytics reads them (data.yaml with PyYAML, each image's label file by
replacing the last /images/ with /labels/, the checks of its label
verifier) and the boxes and outlines are turned back into pixels.

Fails when torchvision cannot be imported: it is one of the packages Calque
needs (build-aux/debian-packages).
"""

import glob
import os
import sys

try:
    import torch
    import torchvision
    from torchvision.transforms import functional as F
except ImportError as error:  # pragma: no cover - depends on the machine
    print(f"torchvision is not available ({error}); install python3-torchvision")
    sys.exit(1)

import yaml

# The "Pets" project of test-voc-yolo.c, in pixels: (label, left, top,
# right, bottom), the rectangle each exported object stands for.
NAMES = ["cat", "<b>&", 'dog: "big"']
SIZES = {"a.jpg": (64, 48), "c.jpg": (20, 10), "sub/b.jpg": (40, 30)}
BOXES = {
    "a.jpg": [
        ("cat", 10, 5, 30, 20),
        ("<b>&", 25, 5, 35, 25),          # the turned box's rectangle
        ('dog: "big"', 40, 30, 60, 47.5),  # the polygon's rectangle
    ],
    "c.jpg": [],
    "sub/b.jpg": [
        ("cat", 0, 0, 40, 30),
        ('dog: "big"', 2.4, 3.6, 12.6, 9.1),
        ("cat", 30, 0, 40, 20),
    ],
}
OUTLINES = {
    "a.jpg": [
        ("cat", [(10, 5), (30, 5), (30, 20), (10, 20)]),
        ("<b>&", [(35, 5), (35, 25), (25, 25), (25, 5)]),
        ('dog: "big"', [(40, 30), (60, 32), (50, 47.5)]),
    ],
    "c.jpg": [],
    "sub/b.jpg": [
        ("cat", [(0, 0), (40, 0), (40, 30), (0, 30)]),
        ('dog: "big"', [(2.4, 3.6), (12.6, 3.6), (12.6, 9.1), (2.4, 9.1)]),
        ("cat", [(30, 0), (40, 0), (40, 20), (30, 20)]),
    ],
}
# Six decimals of a fraction of at most 64 pixels: 0.000032 px, with room.
TOLERANCE = 1e-4
IMAGE_SUFFIXES = {"bmp", "dng", "jpeg", "jpg", "mpo", "png", "tif", "tiff", "webp", "pfm"}

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def close(a, b):
    return abs(a - b) <= TOLERANCE


def check_voc(root):
    dataset = torchvision.datasets.VOCDetection(root, year="2012", image_set="train")
    check(len(dataset) == 3, f"VOC: {len(dataset)} images, expected 3")
    expected_files = {"a.jpg": "a.jpg", "c.jpg": "c.jpg", "sub/b.jpg": "sub%2Fb.jpg"}

    for index, item in enumerate(["a.jpg", "c.jpg", "sub/b.jpg"]):
        image, target = dataset[index]
        annotation = target["annotation"]
        width, height = SIZES[item]
        check(annotation["filename"] == expected_files[item],
              f"VOC {item}: filename {annotation['filename']!r}")
        check(image.size == (width, height), f"VOC {item}: the image is {image.size}")
        check((int(annotation["size"]["width"]), int(annotation["size"]["height"])) == (width, height),
              f"VOC {item}: <size> says {annotation['size']}")
        check(F.to_tensor(image).shape == (3, height, width), f"VOC {item}: tensor shape")

        objects = annotation["object"]
        check(len(objects) == len(BOXES[item]), f"VOC {item}: {len(objects)} objects, expected {len(BOXES[item])}")
        if not objects:
            continue

        # What a detection model is given: 0-based corners, as in
        # torchvision's own VOC references (xmin − 1, ymin − 1, xmax, ymax).
        boxes = torch.tensor([[float(o["bndbox"][k]) for k in ("xmin", "ymin", "xmax", "ymax")]
                              for o in objects])
        boxes[:, :2] -= 1
        labels = torch.tensor([NAMES.index(o["name"]) for o in objects])
        check(bool((boxes[:, 2] > boxes[:, 0]).all() and (boxes[:, 3] > boxes[:, 1]).all()),
              f"VOC {item}: an empty box")
        check(bool((boxes[:, 0] >= 0).all() and (boxes[:, 2] <= width).all() and (boxes[:, 3] <= height).all()),
              f"VOC {item}: a box outside the image: {boxes.tolist()}")
        for obj, box, label, (name, left, top, right, bottom) in zip(objects, boxes.tolist(), labels.tolist(),
                                                                     BOXES[item]):
            check(obj["name"] == name and NAMES[label] == name, f"VOC {item}: name {obj['name']!r}, expected {name!r}")
            # VOC keeps whole pixels: each edge within half a pixel.
            for got, want in zip(box, (left, top, right, bottom)):
                check(abs(got - want) <= 0.5, f"VOC {item}: {name} box {box}, expected {(left, top, right, bottom)}")
            check(obj["pose"] == "Unspecified" and obj["truncated"] == "0", f"VOC {item}: {obj}")
        check([o["difficult"] for o in objects] == (["1", "0", "0"] if item == "a.jpg" else ["0", "0", "0"]),
              f"VOC {item}: difficult flags {[o['difficult'] for o in objects]}")


def read_dataset(root):
    """data.yaml and (image, label lines) pairs, as Ultralytics finds them."""
    with open(os.path.join(root, "data.yaml"), encoding="utf-8") as f:
        data = yaml.safe_load(f)
    check(data == {"path": ".", "train": "images/train", "val": "images/train", "nc": 3,
                   "names": dict(enumerate(NAMES))},
          f"YOLO data.yaml reads as {data}")

    images_dir = os.path.join(root, data["train"])
    images = sorted(p for p in glob.glob(os.path.join(images_dir, "**", "*.*"), recursive=True)
                    if p.rsplit(".", 1)[-1].lower() in IMAGE_SUFFIXES)
    pairs = {}
    for image in images:
        # ultralytics.data.utils.img2label_paths
        sa, sb = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
        label = sb.join(image.rsplit(sa, 1)).rsplit(".", 1)[0] + ".txt"
        with open(label, encoding="utf-8") as f:
            lines = [line.split() for line in f.read().strip().splitlines() if line]
        pairs[os.path.relpath(image, images_dir)] = lines
    check(sorted(pairs) == sorted(SIZES), f"YOLO images: {sorted(pairs)}")
    return data, pairs


def check_rows(item, rows, nc):
    # The checks of Ultralytics' verify_image_label.
    check(all(float(v) >= 0 for row in rows for v in row), f"YOLO {item}: a negative value")
    check(all(float(v) <= 1 for row in rows for v in row[1:]), f"YOLO {item}: a coordinate above 1")
    check(all(int(row[0]) < nc for row in rows), f"YOLO {item}: a class beyond nc")
    check(len({tuple(row) for row in rows}) == len(rows), f"YOLO {item}: duplicate rows")


def check_yolo(root):
    data, pairs = read_dataset(root)
    for item, rows in pairs.items():
        width, height = SIZES[item]
        check_rows(item, rows, data["nc"])
        check(all(len(row) == 5 for row in rows), f"YOLO {item}: rows of {[len(r) for r in rows]} columns")
        check(len(rows) == len(BOXES[item]), f"YOLO {item}: {len(rows)} boxes, expected {len(BOXES[item])}")
        for row, (name, left, top, right, bottom) in zip(rows, BOXES[item]):
            cls = int(row[0])
            cx, cy, w, h = (float(v) for v in row[1:])
            got = ((cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height)
            check(data["names"][cls] == name, f"YOLO {item}: class {cls}, expected {name!r}")
            check(all(close(g, e) for g, e in zip(got, (left, top, right, bottom))),
                  f"YOLO {item}: {name} at {got}, expected {(left, top, right, bottom)}")


def check_yolo_seg(root):
    data, pairs = read_dataset(root)
    for item, rows in pairs.items():
        width, height = SIZES[item]
        check_rows(item, rows, data["nc"])
        check(len(rows) == len(OUTLINES[item]), f"YOLO-seg {item}: {len(rows)} outlines")
        for row, (name, points) in zip(rows, OUTLINES[item]):
            values = [float(v) for v in row[1:]]
            got = [(values[i] * width, values[i + 1] * height) for i in range(0, len(values), 2)]
            check(data["names"][int(row[0])] == name, f"YOLO-seg {item}: class {row[0]}, expected {name!r}")
            check(len(got) == len(points) and all(close(a, c) and close(b, d) for (a, b), (c, d) in zip(got, points)),
                  f"YOLO-seg {item}: {name} at {got}, expected {points}")


def main():
    if len(sys.argv) != 4:
        sys.exit(f"usage: {sys.argv[0]} VOC_DIR YOLO_DIR YOLO_SEG_DIR")
    check_voc(sys.argv[1])
    check_yolo(sys.argv[2])
    check_yolo_seg(sys.argv[3])
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"torchvision {torchvision.__version__}: VOC, YOLO and YOLO-seg exports read as expected")


if __name__ == "__main__":
    main()
