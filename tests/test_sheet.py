"""The storyboard sheet: every step's label says all its sums (shortened
whole, brackets matched), and every tile keeps the figure's numbers legible."""

from __future__ import annotations

import pytest

import convanim
from convanim.render import RenderOptions, write_figure
from convanim.render.record import record
from convanim.templates import load_template
from convanim.writers import sheet


def _captions(name: str) -> list[str]:
    template = load_template(name)
    return [p.caption for p in record(template.conv(), RenderOptions(**template.render_kwargs())) if p.caption.startswith("step")]


@pytest.mark.parametrize("width", [450, 700])  # a label is its tile's width, about 28 times its type
def test_a_groups_label_keeps_every_groups_result_in_order(width):
    font = sheet._font(20)
    for caption in _captions("depthwise_3x3"):
        head, _, sums = caption.partition(": ")
        results = [one.rpartition(" = ")[2] for one in sums.split("; ")]
        assert len(results) == 3  # one sum a group
        label = sheet._fit(caption, font, width)
        assert font.getlength(label) <= width and label.startswith(head + ": ")
        assert [one.rpartition(" = ")[2] for one in label.partition(": ")[2].split("; ")] == results, label


def test_a_long_sum_loses_whole_terms_from_the_front_its_brackets_matched():
    font = sheet._font(20)
    for caption in _captions("rgb_two_filters"):
        label = sheet._fit(caption, font, 560)
        assert label != caption and label.startswith(caption.partition(": ")[0] + ": … ")
        assert label.count("(") == label.count(")"), label
        assert caption.endswith(label.partition(": … ")[2]), label  # a tail of the sum, whole terms


def test_too_many_sums_keep_the_first_results_and_say_more_follow():
    font = sheet._font(20)
    caption = "step 1 of 4: " + "; ".join(f"{g}×2 + {g}×3 = {5 * g}" for g in range(12))
    label = sheet._fit(caption, font, 300)
    assert label.startswith("step 1 of 4: … = 0; … = 5") and label.endswith("; …") and font.getlength(label) <= 300


def test_a_rounded_result_is_kept_as_an_exact_one_is():
    """A result written ``≈`` (rounded) is kept whole as ``= 57`` is: a long
    sum loses terms from the front, several sums keep each result."""
    font = sheet._font(20)
    long = "step 1 of 9: " + " + ".join(f"≈0.{k}33333×≈0.142857" for k in range(1, 9)) + " ≈ 0.476190"
    label = sheet._fit(long, font, 420)
    assert label.endswith(" ≈ 0.476190") and label.startswith("step 1 of 9: … ") and font.getlength(label) <= 420, label
    groups = "step 1 of 9: 1×2 + 3×4 = 14; ≈0.333333×≈0.142857 + 1×1 ≈ 1.047619"
    label = sheet._fit(groups, font, 400)
    assert label == "step 1 of 9: … = 14; … ≈ 1.047619", label


@pytest.mark.parametrize("name", ["padding1", "groups2", "rgb_two_filters", "depthwise_3x3"])
def test_a_tiles_numbers_stay_legible_on_the_sheet(monkeypatch, tmp_path, name):
    """The sheet's tiles are scaled so that the figure's smallest numbers
    (as the painter records them) are at least LEGIBLE_DIGIT_PX tall."""
    template = load_template(name)
    options = RenderOptions(**template.render_kwargs())
    smallest = min(c.size for p in record(template.conv(), options) for c in p.calls if c.kind == "text" and any(ch.isdigit() for ch in c.text))
    seen = {}
    compose = sheet._compose

    def spy(tiles, columns, gap, head=None, page_ratio=None):
        seen.update(tile=tiles[0][1].width, columns=min(columns, len(tiles)))
        return compose(tiles, columns, gap, head, page_ratio)

    monkeypatch.setattr(sheet, "_compose", spy)
    frame_width = next(convanim.frames(template.conv(), options)).pixels.shape[1]
    write_figure(template.conv(), tmp_path / "s.png", options, storyboard=True)
    digit = smallest * seen["tile"] / frame_width * sheet.DIGIT_HEIGHT
    assert digit >= sheet.LEGIBLE_DIGIT_PX, (name, seen, digit)
    # and no fewer columns than that allows: the sheet stays as compact as it can
    wider = (sheet.MAX_SHEET_WIDTH - 24 * (seen["columns"] + 2)) / (seen["columns"] + 1)
    assert seen["columns"] >= 3 or smallest * wider / frame_width * sheet.DIGIT_HEIGHT < sheet.LEGIBLE_DIGIT_PX


def test_a_digit_is_as_tall_as_the_sheet_assumes():
    font = sheet._font(100)
    left, top, right, bottom = font.getbbox("147")  # flat tops and feet: no overshoot
    assert abs((bottom - top) / 100 - sheet.DIGIT_HEIGHT) <= 0.01


# -- one step's picture ---------------------------------------------------------


@pytest.mark.parametrize(
    "conv, changes",
    [
        (convanim.conv(size=(32, 32), kernel_size=3, padding=1), {"width": 700}),  # an overview, its lens pages turned
        (load_template("rgb_two_filters").conv(), {"glide": True}),
        (load_template("padding1").conv(), {"glide": True, "every": 2}),
    ],
)
def test_one_step_is_drawn_alone_and_as_the_whole_figure_draws_it(conv, changes):
    import numpy as np

    from convanim.render import _counted_frames
    from convanim.render.options import options_with

    _, source = _counted_frames(conv, options_with(None, changes), shared=True)
    whole = {number: picture.pixels for number, picture in sheet.steps(source) if number is not None}
    late = max(whole)
    started = []
    start = source.start
    source.start = lambda index: started.append(index) or start(index)
    for number in (late, min(whole)):
        (picked,) = sheet.pick_step(source, number)
        np.testing.assert_array_equal(picked.pixels, whole[number])
    assert started[0] == source.steps.index(late) > 0  # the late step's frames only, not all before them


def test_a_step_not_drawn_is_refused_naming_the_steps_that_are(tmp_path):
    conv = convanim.conv(size=(8, 8), kernel_size=3)
    cases = [({"every": 4}, 2, "one of the steps drawn (1, 5, 9, 13, …, 33)"), ({"steps": ((10, 10),)}, 3, "must be 10, the one step drawn")]
    for changes, step, said in cases:
        with pytest.raises(convanim.errors.WriterError, match=r"\(|must") as refused:
            write_figure(conv, tmp_path / "x.png", step=step, **changes)
        assert said in str(refused.value) and not (tmp_path / "x.png").exists()


# -- the panel, once --------------------------------------------------------------


def _pictures(count: int, panel_differs_at: int | None = None):
    """Pictures of ``count`` steps, 300×200: a top that changes step by step
    and, from row 120, a panel the same in each (but at ``panel_differs_at``)."""
    import numpy as np

    from convanim.writers import Frame

    for step in range(1, count + 1):
        pixels = np.full((200, 300, 3), 255, np.uint8)
        pixels[10:100, 20 * step : 20 * step + 15] = (200, 30, 30)  # the window, moving
        pixels[130:180, 20:280] = (30, 30, 200) if step != panel_differs_at else (30, 200, 30)  # the panel
        yield Frame(pixels, 1000.0, None, f"step {step} of {count}: 1×2 = 2")


def test_a_storyboard_shows_the_panel_once_above_the_tiles():
    import numpy as np

    (once,) = sheet.storyboard_sheet(_pictures(6), panel_top=120)
    (every,) = sheet.storyboard_sheet(_pictures(6))
    # Two rows of tiles, each 80 rows shorter; one panel (80) and a gap over them.
    assert once.pixels.shape[0] == every.pixels.shape[0] - 2 * 80 + 80 + 24
    panel = next(_pictures(1)).pixels[120:]
    np.testing.assert_array_equal(once.pixels[24 : 24 + 80, 24 : 24 + 300], panel)  # at the top, at its size
    blue = np.all(once.pixels == (30, 30, 200), axis=2)
    assert blue[24 + 80 :].sum() == 0  # and nowhere else


def test_a_picture_whose_panel_differs_keeps_every_tile_whole():
    import numpy as np

    (sheet_,) = sheet.storyboard_sheet(_pictures(6, panel_differs_at=4), panel_top=120)
    (every,) = sheet.storyboard_sheet(_pictures(6, panel_differs_at=4))
    np.testing.assert_array_equal(sheet_.pixels, every.pixels)  # (tiles of their own size: no scaling, the same pixels)


def test_a_figure_s_storyboard_has_its_title_once(tmp_path):
    from PIL import Image

    conv = convanim.conv(size=(4, 4), kernel_size=2, padding=1, stride=(2, 1))
    once = write_figure(conv, tmp_path / "once.png", storyboard=True).path
    whole = write_figure(conv, tmp_path / "whole.png", storyboard=True, panel=False).path
    with Image.open(once) as a, Image.open(whole) as b:
        # The panel drawn once above tiles without it: the sheet is the
        # no-panel sheet plus one panel's height, not a panel per tile.
        assert a.width == b.width and 0 < a.height - b.height < 600, (a.size, b.size)


# -- pages to print ------------------------------------------------------------------


def test_pages_to_print_hold_one_picture_across_at_its_size_whole_rows_on_pages_of_one_shape():
    import numpy as np

    (whole,) = sheet.storyboard_sheet(_pictures(12), panel_top=120)
    pages = list(sheet.storyboard_sheet(_pictures(12), panel_top=120, page_ratio=297 / 210))
    assert len(pages) > 1 and {p.pixels.shape for p in pages} == {pages[0].pixels.shape}
    height, width = pages[0].pixels.shape[:2]
    assert width == 300 + 2 * 24 and height == round(width * 297 / 210)  # one across, at its own size
    assert [p.caption for p in pages] == [f"storyboard of 12 pictures, page {k} of {len(pages)}" for k in range(1, len(pages) + 1)]
    red = [int(np.all(p.pixels == (200, 30, 30), axis=2).sum()) for p in pages]
    assert sum(red) == int(np.all(whole.pixels == (200, 30, 30), axis=2).sum())  # every tile once, none cut, none scaled
    blue = [int(np.all(p.pixels == (30, 30, 200), axis=2).sum()) for p in pages]
    assert blue[0] > 0 and sum(blue[1:]) == 0  # the panel on the first page only


def test_a_storyboard_pdf_has_a_page_for_each_part_of_the_sheet(tmp_path):
    import re

    conv = convanim.conv(size=(6, 6), in_channels=2, kernel_size=3, padding=1)
    path = write_figure(conv, tmp_path / "s.pdf", storyboard=True, every=2).path
    data = path.read_bytes()
    (count,) = re.findall(rb"/Count (\d+)", data)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert int(count) == len(boxes) > 1
    assert {box for box in boxes} == {(b"595.28", b"841.73")}  # A4, to print
    png = write_figure(conv, tmp_path / "s.png", storyboard=True, every=2).path
    assert png.stat().st_size > 0  # a PNG stays one sheet


@pytest.mark.parametrize(
    ("size", "changes", "pictures", "every"),
    [
        ((10, 39), {}, 297, 6),  # 296 steps and the finished figure
        ((10, 39), {"every": 2}, 149, 6),  # the least that fits, whatever --every was given
        ((30, 30), {"steps": ((600, 700),)}, 102, 2),  # of the steps chosen, not of the figure's
    ],
)
def test_a_sheet_of_too_many_pictures_is_refused_before_any_is_drawn_naming_the_least_every_that_fits(
    tmp_path, monkeypatch, size, changes, pictures, every
):
    from convanim.render.renderer import FrameRenderer

    monkeypatch.setattr(FrameRenderer, "frames", lambda *a, **k: pytest.fail("a frame was drawn"))
    conv = convanim.conv(size=size, kernel_size=3)
    with pytest.raises(convanim.errors.WriterError) as refused:
        write_figure(conv, tmp_path / "s.png", storyboard=True, **changes)
    nth = {6: "6th", 2: "2nd"}[every]
    assert f"has {pictures:,}: draw every {nth} step (--every {every})" in str(refused.value)
    assert not list(tmp_path.iterdir())


def test_the_every_a_refusal_names_fits_and_one_less_does_not():
    from convanim.render.selection import least_every

    for count, steps in [(296, None), (2048, None), (1024, ((600, 700),)), (118, None)]:
        drawn, every = least_every(count, 1, steps, sheet.MAX_PICTURES)
        assert drawn > sheet.MAX_PICTURES
        assert least_every(count, every, steps, sheet.MAX_PICTURES)[0] <= sheet.MAX_PICTURES
        assert every == 1 or least_every(count, every - 1, steps, sheet.MAX_PICTURES)[0] > sheet.MAX_PICTURES


def test_a_sheet_taller_than_a_picture_file_holds_is_refused_naming_pdf(monkeypatch):
    monkeypatch.setattr(sheet, "MAX_SHEET_HEIGHT", 600)  # (as a long figure's sheet is past 32,768 px)
    with pytest.raises(convanim.errors.WriterError, match=r"would be [\d,]+ px tall.*write it as a \.pdf"):
        next(sheet.storyboard_sheet(_pictures(14)))
    assert len(list(sheet.storyboard_sheet(_pictures(14), page_ratio=297 / 210))) > 1  # cut into pages, it is written
