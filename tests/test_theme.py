"""Themes: built-in ones as data, user theme files, legibility and colour vision."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convanim.errors import ThemeError
from convanim.render.theme import COLOUR_KEYS, Theme, contrast_ratio, list_themes, load_theme

THEMES = list_themes()
FILLS = ("input", "input_alt", "padding", "padding_copy", "kernel", "kernel_alt", "output_done", "output_done_alt", "output_current", "pending")
# What is written straight on the background: labels, the product line, the
# step counter, the credit, and the word "padding" in the padding colour.
ON_BACKGROUND = ("text", "muted", "padding")
WCAG_TEXT = 4.5


def test_the_four_themes_are_built_in():
    assert set(THEMES) >= {"light", "dark", "transparent", "colorblind"}


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("fill", FILLS)
def test_numbers_on_every_fill_keep_wcag_contrast(name, fill):
    theme = load_theme(name)
    colour = getattr(theme, fill)
    assert contrast_ratio(theme.text_on(colour), colour) >= WCAG_TEXT, (name, fill, theme.text_on(colour))


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("role", ON_BACKGROUND)
def test_text_on_the_background_keeps_wcag_contrast(name, role):
    theme = load_theme(name)
    for page in theme.pages:
        assert contrast_ratio(getattr(theme, role), page) >= WCAG_TEXT, (name, role, page)


@pytest.mark.parametrize("name", THEMES)
def test_product_lines_in_group_colours_keep_wcag_contrast(name):
    # Where groups share a picture, each group's product line is written in
    # its colour, on the background: palette colours and generated ones.
    theme = load_theme(name)
    for group in range(len(theme.groups) + 12):
        ink = theme.group_ink(group)
        for page in theme.pages:
            assert contrast_ratio(ink, page) >= WCAG_TEXT, (name, group, theme.group_colour(group), ink, page)


def test_a_legible_group_ink_keeps_its_hue():
    import colorsys

    from convanim.render.theme import hex_rgb, legible

    for colour, pages in [("#f0e442", ("#ffffff",)), ("#0072b2", ("#16181d",)), ("#e67700", ("#ffffff", "#000000"))]:
        ink = legible(colour, pages)
        assert ink != colour
        before, after = (colorsys.rgb_to_hls(*(v / 255 for v in hex_rgb(c)))[0] for c in (colour, ink))
        assert abs(before - after) < 0.02
    assert legible("#2b2b2b", ("#ffffff",)) == "#2b2b2b"  # already legible: unchanged


def test_the_renderer_picks_its_cell_text_from_the_theme():
    from convanim.render.renderer import text_colour_on

    for name in THEMES:
        theme = load_theme(name)
        for fill in FILLS:
            assert text_colour_on(getattr(theme, fill), theme) == theme.text_on(getattr(theme, fill))


def test_contrast_ratio_matches_wcag_examples():
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


# -- colour vision ------------------------------------------------------------

ROLES = ("input", "input_alt", "padding", "padding_copy", "kernel", "kernel_alt", "output_done", "output_done_alt", "output_current", "pending")
# The alternating shade of a role (every other channel) only has to differ
# from the other roles, not from its own main shade.
SAME_ROLE = {frozenset(("input", "input_alt")), frozenset(("kernel", "kernel_alt")), frozenset(("output_done", "output_done_alt"))}
# CAM02-UCS colour difference. 1 is about a just-noticeable difference; 10 is
# two colours that a reader names differently at a glance, on small cells.
DISTINGUISHABLE = 10.0
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")


def simulate(colours: list[str], deficiency: str) -> np.ndarray:
    """sRGB in [0, 1] as seen with a complete (severity 100) deficiency,
    after Machado, Oliveira and Fernandes (2009)."""
    colorspacious = pytest.importorskip("colorspacious", reason="the colour-vision test needs colorspacious (pip install colorspacious)")
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colours]) / 255
    cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(colorspacious.cspace_convert(rgb, cvd, "sRGB1"), 0, 1)


def delta_e(a: np.ndarray, b: np.ndarray) -> float:
    import colorspacious

    return float(colorspacious.deltaE(a, b, input_space="sRGB1", uniform_space="CAM02-UCS"))


def pairs_too_close(names: list[str], colours: list[str], deficiency: str, skip=frozenset()) -> list:
    seen = simulate(colours, deficiency)
    close = []
    for i, j in itertools.combinations(range(len(colours)), 2):
        if frozenset((names[i], names[j])) in skip:
            continue
        difference = delta_e(seen[i], seen[j])
        if difference < DISTINGUISHABLE:
            close.append((names[i], names[j], round(difference, 1)))
    return close


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_colorblind_roles_stay_apart_for_each_deficiency(deficiency):
    theme = load_theme("colorblind")
    colours = [getattr(theme, role) for role in ROLES]
    assert pairs_too_close(list(ROLES), colours, deficiency, SAME_ROLE) == []


# Group colours are told apart by name ("the blue group", "the crimson one"),
# on thin stripes and small swatches: CAM02-UCS ΔE of at least 18 in normal
# vision (13 was two olive greens), at least DISTINGUISHABLE with each
# deficiency; two colours of one hue (under 25° apart) differ in lightness
# by 25 at least, as navy and sky blue do (#246cfc and #0000fc, 19 apart,
# were "two blues"), and of nearly one hue (under 40°) by 15, or a reader
# calls both "purple"; and each stands apart from the page by a ΔE of 30.
GROUPS = 12
AT_A_GLANCE = 18.0
ONE_HUE, ONE_HUE_LIGHTNESS = 25.0, 25.0
NAMED_HUE, NAMED_LIGHTNESS = 40.0, 15.0
FROM_THE_PAGE = 30.0


def group_pairs_alike(colours: list[str], page: str | None = None) -> list:
    """The pairs of ``colours`` a reader may take for one another, with why;
    and those too close to ``page``, the background."""
    colorspacious = pytest.importorskip("colorspacious", reason="the colour-vision test needs colorspacious (pip install colorspacious)")
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colours]) / 255
    normal = colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")
    hue = np.degrees(np.arctan2(normal[:, 2], normal[:, 1]))
    seen = {deficiency: simulate(colours, deficiency) for deficiency in DEFICIENCIES}
    alike = []
    for i, j in itertools.combinations(range(len(colours)), 2):
        pair = (i, j, colours[i], colours[j])
        difference = float(np.linalg.norm(normal[i] - normal[j]))
        if difference < AT_A_GLANCE:
            alike.append(pair + (f"ΔE {difference:.1f}",))
        turn = abs((hue[i] - hue[j] + 180) % 360 - 180)
        lightness = abs(normal[i, 0] - normal[j, 0])
        if turn < ONE_HUE and lightness < ONE_HUE_LIGHTNESS or turn < NAMED_HUE and lightness < NAMED_LIGHTNESS:
            alike.append(pair + (f"one hue ({turn:.0f}° apart), lightness {lightness:.0f} apart",))
        for deficiency, colours_seen in seen.items():
            if delta_e(colours_seen[i], colours_seen[j]) < DISTINGUISHABLE:
                alike.append(pair + (deficiency,))
    if page is not None:
        background = colorspacious.cspace_convert(np.array([int(page[i : i + 2], 16) for i in (1, 3, 5)]) / 255, "sRGB1", "CAM02-UCS")
        for i, colour in enumerate(colours):
            difference = float(np.linalg.norm(normal[i] - background))
            if difference < FROM_THE_PAGE:
                alike.append((i, "page", colour, page, f"ΔE {difference:.1f}"))
    return alike


@pytest.mark.parametrize("name", THEMES)
def test_twelve_group_colours_are_told_apart_at_a_glance(name):
    theme = load_theme(name)
    assert len(theme.groups) >= GROUPS
    page = None if theme.transparent else theme.background
    assert group_pairs_alike([theme.group_colour(g) for g in range(GROUPS)], page) == []


@pytest.mark.parametrize("name", [name for name in THEMES if not load_theme(name).transparent])
def test_group_inks_are_told_apart_as_their_colours_are(name):
    # Product lines and arrows are drawn in the inks (a colour made legible
    # on the page). A transparent theme's inks must read on white and black
    # alike, so all sit at one middle lightness: its stripes carry the groups.
    theme = load_theme(name)
    assert group_pairs_alike([theme.group_ink(g) for g in range(GROUPS)]) == []


@pytest.mark.parametrize("name", THEMES)
def test_group_colours_stand_out_from_the_page_and_carry_text(name):
    theme = load_theme(name)
    # WCAG's 3:1 for graphics; against white and black at once, 2:1 is the most a colour can have of both.
    least = 2.0 if theme.transparent else 3.0
    for colour in theme.groups[:GROUPS]:
        assert contrast_ratio(theme.text_on(colour), colour) >= WCAG_TEXT, (name, colour)
        for page in theme.pages:
            assert contrast_ratio(colour, page) >= least, (name, colour, page)


def test_the_rule_catches_the_twins_of_the_former_palettes():
    olive, purple = group_pairs_alike(["#52840c", "#60a421"]), group_pairs_alike(["#7048e8", "#862e9c"])
    blues, faint = group_pairs_alike(["#246cfc", "#0000fc"]), group_pairs_alike(["#dcdcdc"], "#ffffff")
    assert olive and purple and blues and faint, (olive, purple, blues, faint)
    assert not group_pairs_alike(["#246cfc", "#a80024"], "#ffffff")  # blue and crimson: apart


@pytest.mark.parametrize("name", THEMES)
def test_a_12_group_figure_draws_its_groups_in_colours_told_apart(name):
    """Read from the picture: the legend's swatches and every row's stripe."""
    import convanim
    from convanim.render import RenderOptions
    from convanim.render.record import record

    theme = load_theme(name)
    conv = convanim.conv(size=4, in_channels=12, out_channels=12, groups=12, kernel_size=2)
    first = record(conv, RenderOptions(panel=False, theme=name))[0]
    swatches = {}
    for label in (c for c in first.calls if c.kind == "text" and c.text.startswith("group ")):
        swatch = [c for c in first.calls if c.kind == "rect" and c.right < label.x and abs(c.cy - label.y) < 2 and label.x - c.right < 20]
        swatches[int(label.text.split()[1])] = swatch[-1].colour
    assert sorted(swatches) == list(range(GROUPS))
    page = None if theme.transparent else theme.background
    assert group_pairs_alike([swatches[g] for g in range(GROUPS)], page) == []


def test_the_simulation_is_not_a_no_op():
    # Red and green, far apart to most eyes, fall together with deuteranopia:
    # the test above would pass vacuously if the simulation did nothing.
    seen = simulate(["#d55e00", "#6b8e23"], "deuteranomaly")
    assert delta_e(seen[0], seen[1]) < DISTINGUISHABLE < delta_e(*simulate(["#d55e00", "#6b8e23"], "tritanomaly"))


# -- groups past the palette ----------------------------------------------------


@pytest.mark.parametrize("name", THEMES)
def test_groups_past_the_palette_get_new_distinct_colours(name):
    theme = load_theme(name)
    colours = [theme.group_colour(g) for g in range(len(theme.groups) + 12)]
    assert colours[: len(theme.groups)] == list(theme.groups)
    assert len(set(colours)) == len(colours)
    for a, b in zip(colours, colours[1:]):  # neighbouring groups' stripes touch
        assert contrast_ratio(a, b) > 1.05 or a[1:3] != b[1:3]


# -- theme files ----------------------------------------------------------------


def test_a_user_theme_changes_what_it_names_from_its_base(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('base = "dark"\nkernel = "#ABC"\ngroups = ["#111111", "#eeeeee"]\n')
    theme = load_theme(path)
    dark = load_theme("dark")
    assert theme.name == "mine"
    assert theme.kernel == "#aabbcc"
    assert theme.groups == ("#111111", "#eeeeee")
    assert theme.background == dark.background and theme.input == dark.input


def test_a_user_theme_starts_from_light(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('background = "transparent"\n')
    theme = load_theme(str(path))
    assert theme.transparent and theme.input == load_theme("light").input


@pytest.mark.parametrize(
    "source, words",
    [
        ('kernal = "#ffffff"\n', ["kernal", "unknown key; did you mean kernel?"]),
        ('kernel = "red"\n', ["kernel", "#rrggbb", "'red'"]),
        ('kernel = "#12345"\n', ["kernel", "'#12345'"]),
        ("kernel = 3\n", ["kernel", "3"]),
        ('input = "transparent"\n', ["input", "'transparent'"]),
        ('groups = ["#111111", "#xyzxyz"]\n', ["groups[1]", "#xyzxyz"]),
        ("groups = []\n", ["groups", "one or more"]),
        ('base = "sepia"\n', ["base", "'sepia'", "light"]),
        ("kernel = \n", ["not valid TOML"]),
    ],
)
def test_a_bad_theme_file_is_one_error_naming_the_key(tmp_path, source, words):
    path = tmp_path / "bad.toml"
    path.write_text(source)
    with pytest.raises(ThemeError) as caught:
        load_theme(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    for word in words:
        assert word in message


@pytest.mark.parametrize("theme, words", [("sepia", ["unknown theme", "'sepia'", "dark", "colorblind"]), ("missing/none.toml", ["no theme file"]), (3, ["int"])])
def test_a_theme_that_cannot_be_found_names_the_option(theme, words):
    with pytest.raises(ThemeError) as caught:
        load_theme(theme)
    assert caught.value.option == "theme"
    for word in words:
        assert word in str(caught.value)


def test_every_built_in_file_sets_every_key():
    for name in THEMES:
        theme = load_theme(name)
        for key in COLOUR_KEYS:
            assert getattr(theme, key), (name, key)


# -- themes in figures ------------------------------------------------------------


def _first_frame(theme):
    import convanim

    c = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1)
    return next(iter(convanim.frames(c, convanim.RenderOptions(width=480, theme=theme)))).pixels


def _colours(frame) -> set:
    return {tuple(int(v) for v in px) for px in frame.reshape(-1, frame.shape[2])}


@pytest.mark.parametrize("name", ["light", "dark", "colorblind"])
def test_a_figure_is_drawn_in_its_themes_colours(name):
    from convanim.render.theme import hex_rgb

    theme = load_theme(name)
    frame = _first_frame(name)
    assert tuple(frame[0, 0, :3]) == hex_rgb(theme.background)
    seen = _colours(frame[..., :3])
    for role in ("input", "padding", "kernel", "pending", "output_current"):
        assert hex_rgb(getattr(theme, role)) in seen, role


def test_render_options_take_a_theme_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('background = "#102030"\nkernel = "#00ff00"\n')
    frame = _first_frame(path)
    assert tuple(frame[0, 0]) == (0x10, 0x20, 0x30)
    assert (0, 255, 0) in _colours(frame)


def test_the_command_line_takes_a_theme(run_cli, tmp_path):
    from PIL import Image

    out = tmp_path / "dark.gif"
    assert run_cli("render", "--theme", "dark", "-o", str(out))[0] == 0
    with Image.open(out) as gif:
        assert gif.convert("RGB").getpixel((0, 0)) == (0x16, 0x18, 0x1D)


@pytest.mark.parametrize(
    "value, words",
    [("sepia", ["--theme:", "unknown theme 'sepia'"]), ("drak", ["--theme:", "unknown theme 'drak'; did you mean dark?"]), ("{dir}/bad.toml", ["--theme: ", "bad.toml: kernel:", "'red'"]), ("{dir}/none.toml", ["--theme:", "no theme file"])],
)
def test_a_bad_theme_on_the_command_line_is_one_line_and_no_file(run_cli, tmp_path, value, words):
    (tmp_path / "bad.toml").write_text('kernel = "red"\n')
    out = tmp_path / "x.gif"
    code, stdout, err = run_cli("render", "--theme", value.format(dir=tmp_path), "-o", str(out))
    assert code == 2 and stdout == "" and err.count("\n") == 1 and err.startswith("convanim: error: ")
    for word in words:
        assert word in err
    assert not out.exists()


def test_the_readmes_theme_file_is_a_valid_theme():
    import re
    from pathlib import Path

    from convanim.render.theme import parse_theme

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (source,) = [block for block in re.findall(r"```toml\n(.*?)```", readme, flags=re.S) if "base =" in block]
    theme = parse_theme(source, "mine")
    assert theme.kernel == "#ff7b72" and theme.cell_edge == load_theme("dark").cell_edge


def test_a_transparent_figure_is_rgba_and_its_edges_keep_their_colour():
    from convanim.render.theme import hex_rgb

    theme = load_theme("transparent")
    frame = _first_frame("transparent")
    assert frame.shape[2] == 4 and frame[0, 0, 3] == 0
    assert (*hex_rgb(theme.input), 255) in _colours(frame)
    # Anti-aliased text over nothing: partly transparent, in the text's own colour,
    # not darkened towards the black the colours were drawn over.
    edge = frame[(frame[..., 3] > 60) & (frame[..., 3] < 200)]
    grey = [px for px in edge if abs(int(px[0]) - int(px[1])) < 3 and abs(int(px[1]) - int(px[2])) < 3]
    assert grey and all(abs(int(px[0]) - 0x76) <= 6 for px in grey)


# -- groups beside the roles ----------------------------------------------------

# What a group's stripe, arrow and product line are drawn beside: the window
# and kernel, the output cells and the grids' fills. A red group beside the
# red kernel (dark's second group once was) reads as the kernel's.
BESIDE_GROUPS = ("kernel", "kernel_alt", "output_current", "output_done", "output_done_alt", "input", "input_alt", "padding", "padding_copy")
COMMON_GROUPS = 4  # most figures with groups have two to four


@pytest.mark.parametrize("name", THEMES)
def test_the_common_groups_are_not_taken_for_a_role(name):
    colorspacious = pytest.importorskip("colorspacious", reason="the colour test needs colorspacious (pip install colorspacious)")
    theme = load_theme(name)

    def ucs(colour: str):
        return colorspacious.cspace_convert(np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255, "sRGB1", "CAM02-UCS")

    near = [
        (group, role, round(float(np.linalg.norm(ucs(theme.group_colour(group)) - ucs(getattr(theme, role))))))
        for group in range(COMMON_GROUPS)
        for role in BESIDE_GROUPS
        if np.linalg.norm(ucs(theme.group_colour(group)) - ucs(getattr(theme, role))) < AT_A_GLANCE
    ]
    assert near == []
