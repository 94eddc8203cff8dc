"""The info panel under the animation: a title, the PyTorch call that makes
this figure (non-default arguments in bold) and the output-size formula with
this figure's numbers, typeset with matplotlib's mathtext (no TeX needed).

All of it is generated from the spec, so it can never disagree with the
picture above it. Drawn once, into the background.
"""

from __future__ import annotations

from ..code import conv_class, pad_layer, torch_arguments
from .paint import Painter, fit_text, math_size
from ..spec import ConvSpec, SizeFormula
from .theme import Theme

MONO_EM = 0.602  # DejaVu Sans Mono advance, regular and bold alike
HEADING = 44  # px from the panel's top to its first line, at 1080 px wide
CODE_PX = 15
CODE_LINE = 1.45
MAX_CODE_LINES = 6
FORMULA_GAP = 64
FORMULA_LINE = 64
SPLIT = 0.45  # the code's share of the panel's width
STACK_BELOW = 700  # px: a narrower panel puts the formulas under the code
STACK_GAP = 20


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


def general_formula(name: str, symmetric: bool) -> str:
    padding = r"2 \times \mathrm{padding}" if symmetric else r"\mathrm{pad}_{\mathrm{before}} + \mathrm{pad}_{\mathrm{after}}"
    return (
        f"${_axis_symbol(name, 'out')} = \\left\\lfloor \\dfrac{{{_axis_symbol(name, 'in')} + {padding}"
        r" - \mathrm{dilation} \times (\mathrm{kernel\_size} - 1) - 1}{\mathrm{stride}} + 1 \right\rfloor$"
    )


def substituted_formula(formula: SizeFormula, names: tuple[str, ...] = ()) -> str:
    """The formula with this figure's numbers; ``names`` (2-D and up) say
    which axes it is for: ``H_out = W_out = 3 = …``."""
    axes = "".join(f"{_axis_symbol(name, 'out')} = " for name in names)
    if formula.symmetric:
        padding = f"2 \\times {formula.pad_before}"
    else:
        padding = f"({formula.pad_before} + {formula.pad_after})"
    return (
        f"${axes}{formula.size_out} = \\left\\lfloor \\dfrac{{{formula.size_in} + {padding} - {formula.dilation} \\times "
        f"({formula.kernel} - 1) - 1}}{{{formula.stride}}} + 1 \\right\\rfloor$"
    )


def _code_lines(spec: ConvSpec, width: float, scale: float):
    code_px = CODE_PX * scale
    max_chars = int((width - 16 * scale) / (MONO_EM * code_px))
    lines = wrap_runs(code_runs(spec), max_chars)
    if len(lines) > MAX_CODE_LINES:  # a very narrow figure: smaller type rather than overflow
        code_px *= MAX_CODE_LINES / len(lines)
    return lines, code_px


def _columns(x: float, width: float, scale: float) -> tuple[tuple[float, float], tuple[float, float], bool]:
    """(x, width) of the code and of the formulas, and whether they sit side
    by side; a narrow panel stacks the formulas under the code."""
    if width >= STACK_BELOW:
        split = x + width * SPLIT
        return (x, split - x), (split + 24 * scale, x + width - split - 24 * scale), True
    return (x, width), (x, width), False


def _heights(spec: ConvSpec, width: float, scale: float) -> tuple[float, float]:
    (_, code_width), _, _ = _columns(0, width, scale)
    lines, code_px = _code_lines(spec, code_width, scale)
    code = HEADING * scale + len(lines) * CODE_LINE * code_px
    formulas = (HEADING + FORMULA_GAP + FORMULA_LINE * len(_distinct_formulas(spec))) * scale
    return code, formulas


def _distinct_formulas(spec: ConvSpec) -> list[SizeFormula]:
    """One line per different axis: a square input shows its formula once."""
    distinct: list[SizeFormula] = []
    for formula in spec.size_formulas():
        if formula not in distinct:
            distinct.append(formula)
    return distinct


def panel_height(spec: ConvSpec, panel_width: float, scale: float) -> float:
    code, formulas = _heights(spec, panel_width, scale)
    _, _, side_by_side = _columns(0, panel_width, scale)
    return max(code, formulas) if side_by_side else code + STACK_GAP * scale + formulas


def draw_panel(p: Painter, box, scale: float, theme: Theme, spec: ConvSpec, title: str) -> None:
    """The panel in ``box`` (a layout's ``panel``), type sized by ``scale``."""
    s = scale
    (code_x, code_width), (formula_x, formula_width), side_by_side = _columns(box.x, box.w, s)

    # The title, then the call.
    title, title_px = fit_text(title, 22 * s, code_width - 8 * s, bold=True)
    p.text(code_x, box.y, title, title_px, theme.text, align="left", bold=True, valign="top")
    lines, code_px = _code_lines(spec, code_width, s)
    y = box.y + HEADING * s
    for line in lines:
        x = code_x
        for text, bold in line:
            x += p.text(x, y, text, code_px, theme.text, align="left", family="mono", bold=bold, valign="top")
        y += CODE_LINE * code_px

    # The size formula, general then with this figure's numbers: beside the
    # code behind a rule, or under it.
    if side_by_side:
        rule_x = formula_x - 24 * s
        p.line([(rule_x, box.y), (rule_x, box.bottom)], theme.panel_rule)
        y = box.y
    else:
        y = box.y + _heights(spec, box.w, s)[0] + STACK_GAP * s
    p.text(formula_x, y, "Output size", 22 * s, theme.text, align="left", bold=True, valign="top")
    y += HEADING * s
    symmetric = all(f.symmetric for f in spec.size_formulas())
    general = general_formula(spec.axis_names[0], symmetric)
    p.math(formula_x, y, general, _fitting(general, 18 * s, formula_width), theme.text)
    y += FORMULA_GAP * s
    for formula in _distinct_formulas(spec):
        names = tuple(n for n, f in zip(spec.axis_names, spec.size_formulas()) if f == formula) if spec.ndim > 1 else ()
        source = substituted_formula(formula, names)
        p.math(formula_x, y, source, _fitting(source, 22 * s, formula_width), theme.text)
        y += FORMULA_LINE * s


def _fitting(source: str, size: float, room: float) -> float:
    """The size at which a formula fits ``room`` pixels, at most ``size``."""
    width, _ = math_size(source, size)
    return size if width <= room else size * room / width * 0.98
