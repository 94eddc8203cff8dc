"""The info panel under the animation: a title, the PyTorch call that makes
this figure (non-default arguments in bold) and the output-size formula with
this figure's numbers, typeset with matplotlib's mathtext (no TeX needed).

All of it is generated from the spec, so it can never disagree with the
picture above it. Drawn once, into the background.
"""

from __future__ import annotations

from ..code import conv_class, pad_layer, torch_arguments
from .fonts import fit_text, math_size, text_width
from .paint import Painter
from .typeset import SCRIPT_SCALE
from ..spec import ConvSpec, SizeFormula
from .theme import Theme

MONO_EM = 0.602  # DejaVu Sans Mono advance, regular and bold alike
# Type sizes at 1080 px wide; they scale with the figure. Code and formulas
# are larger than the figure's smallest type (18 px): they are read closely.
TITLE_PX = 22
CODE_PX = 20
HEADING_PX = 18  # the figure's type floor, 1/60 of 1080: nothing in the panel is smaller
GENERAL_PX = 20  # the general formula; its scripts are 0.9 of it (typeset.SCRIPT_SCALE)
NUMBERS_PX = 22  # the formula with this figure's numbers
LEAST_FORMULA = 0.8  # a formula may shrink to this share of its size to fit
CODE_LINE = 1.45
GAP = 16


def code_runs(spec: ConvSpec) -> list[tuple[str, bool]]:
    """The call as (text, bold) runs; a run never breaks across lines."""
    runs: list[tuple[str, bool]] = []
    layer = pad_layer(spec)
    if layer:
        runs.append(("torch.nn.Sequential(", False))
        runs.append((layer + ",", True))
    runs.append((f"torch.nn.{conv_class(spec)}(", False))
    arguments = torch_arguments(spec)
    for i, argument in enumerate(arguments):
        last = i == len(arguments) - 1
        runs.append((str(argument) + ("" if last else ","), argument.emphasised))
    runs.append(("))" if layer else ")", False))
    return runs


def wrap_runs(runs: list[tuple[str, bool]], max_chars: int, indent: int = 4) -> list[list[tuple[str, bool]]]:
    """Lines of runs, separated by single spaces, none longer than ``max_chars``."""
    lines: list[list[tuple[str, bool]]] = [[]]
    length = 0
    for text, bold in runs:
        # The closing parenthesis stays with the argument before it.
        previous = lines[-1][-1][0] if lines[-1] else ""
        joiner = "" if (not previous.strip() or previous.endswith("(") or text.startswith(")")) else " "
        if lines[-1] and length + len(joiner) + len(text) > max_chars and not text.startswith(")"):
            lines.append([(" " * indent, False)])
            length = indent
            joiner = ""
        lines[-1].append((joiner + text, bold))
        length += len(joiner) + len(text)
    return lines


def _axis_symbol(name: str, which: str) -> str:
    return f"{name}_{{\\mathrm{{{which}}}}}"


def general_formula(name: str, symmetric: bool, compact: bool = False) -> str:
    """PyTorch's formula for the output size, with the arguments' names;
    ``compact``, with one letter each (``COMPACT_KEY`` says which), for a
    panel beside the grids, too narrow for the names."""
    if compact:
        padding = "2p" if symmetric else r"p_{\mathrm{before}} + p_{\mathrm{after}}"
        rest, stride = r" - d\,(k - 1) - 1", "s"
    else:
        padding = r"2 \times \mathrm{padding}" if symmetric else r"\mathrm{pad}_{\mathrm{before}} + \mathrm{pad}_{\mathrm{after}}"
        rest, stride = r" - \mathrm{dilation} \times (\mathrm{kernel\_size} - 1) - 1", r"\mathrm{stride}"
    return (
        f"${_axis_symbol(name, 'out')} = \\left\\lfloor \\dfrac{{{_axis_symbol(name, 'in')} + {padding}"
        f"{rest}}}{{{stride}}} + 1 \\right\\rfloor$"
    )


COMPACT_KEY = ("p: padding,", "d: dilation,", "k: kernel_size,", "s: stride")  # the compact formula's letters


def substituted_formula(formula: SizeFormula, names: tuple[str, ...] = ()) -> str:
    """The formula with this figure's numbers; ``names`` (2-D and up) say
    which axes it is for: ``H_out = W_out = 3 = …``."""
    size, rule = _substituted_sides(formula, names)
    return f"${size} = {rule}$"


def _substituted_sides(formula: SizeFormula, names: tuple[str, ...]) -> tuple[str, str]:
    """The substituted formula's two sides (mathtext, without the dollars):
    the size it gives, and the rule with the numbers in it."""
    axes = "".join(f"{_axis_symbol(name, 'out')} = " for name in names)
    if formula.symmetric:
        padding = f"2 \\times {formula.pad_before}"
    else:
        padding = f"({formula.pad_before} + {formula.pad_after})"
    rule = (
        f"\\left\\lfloor \\dfrac{{{formula.size_in} + {padding} - {formula.dilation} \\times "
        f"({formula.kernel} - 1) - 1}}{{{formula.stride}}} + 1 \\right\\rfloor"
    )
    return f"{axes}{formula.size_out}", rule


def _code_lines(spec: ConvSpec, width: float, scale: float):
    code_px = CODE_PX * scale
    max_chars = max(20, int(width / (MONO_EM * code_px)))
    return wrap_runs(code_runs(spec), max_chars), code_px


def title_lines(title: str, width: float, scale: float) -> tuple[list[str], float]:
    """The title on as many lines as it needs, broken between words (a
    panel beside the grids is narrow: a long title takes lines there, not
    width); shrunk only where a word alone is wider than ``width``."""
    px = TITLE_PX * scale
    lines: list[str] = []
    for word in title.split():  # (an empty title, ``--title ''``, is no line at all)
        if lines and text_width(f"{lines[-1]} {word}", size=px, bold=True) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    fitted = [fit_text(line, px, width, bold=True, least=HEADING_PX / TITLE_PX) for line in lines]
    return [text for text, _ in fitted], min((size for _, size in fitted), default=px)


def _distinct_formulas(spec: ConvSpec) -> list[SizeFormula]:
    """One line per different axis: a square input shows its formula once."""
    distinct: list[SizeFormula] = []
    for formula in spec.size_formulas():
        if formula not in distinct:
            distinct.append(formula)
    return distinct


def _compact(spec: ConvSpec, width: float, scale: float) -> bool:
    """Whether the general formula takes its letters' form: where its names
    do not fit ``width`` at the least size a formula may take."""
    symmetric = all(f.symmetric for f in spec.size_formulas())
    full = general_formula(spec.axis_names[0], symmetric)
    return math_size(full, _least_formula(GENERAL_PX * scale, scale))[0] > width


def _axes_of(spec: ConvSpec, formula: SizeFormula) -> tuple[str, ...]:
    """The axes whose output size ``formula`` gives (none named in 1-D)."""
    return tuple(n for n, f in zip(spec.axis_names, spec.size_formulas()) if f == formula) if spec.ndim > 1 else ()


def _formulas(spec: ConvSpec, width: float, scale: float) -> list[tuple[str, float]]:
    """(mathtext source, size) of each formula, the general one first."""
    symmetric = all(f.symmetric for f in spec.size_formulas())
    sources = [(general_formula(spec.axis_names[0], symmetric, _compact(spec, width, scale)), GENERAL_PX * scale)]
    px = NUMBERS_PX * scale
    for formula in _distinct_formulas(spec):
        names = _axes_of(spec, formula)
        whole = substituted_formula(formula, names)
        if math_size(whole, _least_formula(px, scale))[0] <= width:
            sources.append((whole, px))
        else:  # a narrow panel (a phone's column): the rule goes on a line of its own, not past the edge
            size, rule = _substituted_sides(formula, names)
            sources += [(f"${size}$", px), (f"$= {rule}$", px)]
    return [(source, _fitting(source, size, width, scale)) for source, size in sources]


def _key_lines(width: float, px: float) -> list[str]:
    """The compact formula's letters, as many to a line as ``width`` holds."""
    lines: list[str] = []
    for entry in COMPACT_KEY:
        if lines and text_width(f"{lines[-1]} {entry}", size=px) <= width:
            lines[-1] += f" {entry}"
        else:
            lines.append(entry)
    return lines


def _blocks(spec: ConvSpec, width: float, scale: float, title: str):
    """The panel's pieces from the top, each (kind, content, size, height):
    the title, the call, a heading, the formulas (the compact one's key
    under it). Code over formulas, both the panel's full width: at legible
    sizes they do not fit side by side."""
    s = scale
    titles, title_px = title_lines(title, width, s)
    blocks = [("title", line, title_px, 1.25 * title_px) for line in titles]
    blocks.append(("gap", "", 0, GAP * s / 2))
    lines, code_px = _code_lines(spec, width, s)
    blocks += [("code", line, code_px, CODE_LINE * code_px) for line in lines]
    blocks.append(("gap", "", 0, GAP * s))
    blocks.append(("heading", "Output size", HEADING_PX * s, 1.4 * HEADING_PX * s))
    for i, (source, size) in enumerate(_formulas(spec, width, s)):
        blocks.append(("math", source, size, math_size(source, size)[1] + GAP * s / 2))
        if i == 0 and _compact(spec, width, s):
            blocks += [("key", line, HEADING_PX * s, 1.3 * HEADING_PX * s) for line in _key_lines(width, HEADING_PX * s)]
            blocks.append(("gap", "", 0, GAP * s / 2))
    return blocks


def panel_height(spec: ConvSpec, panel_width: float, scale: float, title: str = "1-D convolution") -> float:
    return sum(block[3] for block in _blocks(spec, panel_width, scale, title))


def draw_panel(p: Painter, box, scale: float, theme: Theme, spec: ConvSpec, title: str) -> None:
    """The panel in ``box`` (a layout's ``panel``), type sized by ``scale``."""
    y = box.y
    for kind, content, size, height in _blocks(spec, box.w, scale, title):
        if kind in ("title", "heading"):
            p.text(box.x, y, content, size, theme.text, align="left", bold=True, valign="top")
        elif kind == "code":
            x = box.x
            for text, bold in content:
                x += p.text(x, y, text, size, theme.text, align="left", family="mono", bold=bold, valign="top")
        elif kind == "math":
            p.math(box.x, y, content, size, theme.text)
        elif kind == "key":
            p.text(box.x, y, content, size, theme.muted, align="left", valign="top")
        y += height


def _least_formula(size: float, scale: float) -> float:
    """The smallest a formula may shrink to: ``LEAST_FORMULA`` of its size,
    and never so small that its scripts fall under the type floor."""
    return max(size * LEAST_FORMULA, HEADING_PX * scale / SCRIPT_SCALE)


def _fitting(source: str, size: float, room: float, scale: float) -> float:
    """The size at which a formula fits ``room`` pixels: at most ``size``,
    at least ``_least_formula`` of it."""
    width, _ = math_size(source, size)
    return size if width <= room else min(size, max(_least_formula(size, scale), size * room / width * 0.98))


def least_width(spec: ConvSpec, scale: float, title: str) -> float:
    """The narrowest panel that holds this figure's formulas (the general
    one compact), its code's longest argument, its title's longest word
    (a title takes as many lines as it needs: its length never decides
    whether a figure fits) and the compact formula's key, none of them
    under the type floor: a panel beside the grids is at least this wide."""
    symmetric = all(f.symmetric for f in spec.size_formulas())
    sources = [(general_formula(spec.axis_names[0], symmetric, compact=True), GENERAL_PX)]
    sources += [(substituted_formula(formula, _axes_of(spec, formula)), NUMBERS_PX) for formula in _distinct_formulas(spec)]
    formulas = max(math_size(source, _least_formula(px * scale, scale))[0] for source, px in sources)
    code = (max(len(text) for text, _ in code_runs(spec)) + 6) * MONO_EM * CODE_PX * scale
    words = title.split() or [""]
    floor = HEADING_PX * scale
    title_room = max(text_width(word, size=floor, bold=True) for word in words)
    key = max(text_width(entry, size=floor) for entry in COMPACT_KEY)
    return max(formulas, code, title_room, key) + 2
