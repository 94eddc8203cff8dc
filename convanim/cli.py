"""The command line: a thin shell over the Python API.

Only this module and cliwords.py (click's reading in convanim's words)
know about click. Every error convanim raises, and every usage error click
finds, leaves through ``main`` as one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

import click

from .code import conv_title
from .errors import ConvanimError, SpecError, TemplateError
from .render import RenderOptions
from .render.options import HELP as RENDER_HELP
from .render.options import OPTIONS as RENDER_OPTIONS
from .arguments import CONV_ARGUMENTS, parse_conv_arguments
from .build import conv
from .overrides import Figure, over_template
from .cliwords import NUMBER, WHOLE, Group, usage_refusal


def conv_options(command):
    """The options that describe a convolution, shared by trace, shape and
    render: one per keyword of ``convanim.conv``, from ``CONV_ARGUMENTS``."""
    for argument in reversed(CONV_ARGUMENTS):
        kind = {"type": WHOLE} if argument.count else {"metavar": argument.metavar}
        command = click.option(*argument.flags, argument.name, help=argument.help, **kind)(command)
    return command


# How click reads each kind of render option; one left out is None, so that
# the default (or a template's value) stands.
_RENDER_KINDS = {
    "int": {"type": WHOLE},
    "float": {"type": NUMBER},
    "str": {},
    "switch": {"default": None},
    "flag": {"is_flag": True, "default": None},
}


def render_options(command):
    """The options of ``RenderOptions``, one per field, from its table."""
    for name, option in reversed(RENDER_OPTIONS.items()):
        decorate = click.option(option.flag, name, metavar=option.metavar, help=RENDER_HELP[name], **_RENDER_KINDS[option.kind])
        command = decorate(command)
    return command


def conv_arguments(**options) -> dict:
    """Turn the command line's strings into keyword arguments of ``convanim.conv``.

    Options left out are left out here too, so that a template's values (or
    the API's defaults) show through.
    """
    return parse_conv_arguments(options)


def _build(**options):
    return conv(**conv_arguments(**options))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="convanim")
def cli():
    """Animations of convolutions, step by step, with exactly PyTorch's semantics."""


@cli.command(short_help="Print every step of a convolution: taps, products, sums.")
@conv_options
@click.option("--template", metavar="NAME", help="A built-in template or a TOML file to start from; the options above override its values.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole trace as one JSON object.")
def trace(template, as_json, **options):
    """Compute a convolution and print every step: taps, products, sums."""
    from .engine import trace as run_trace
    from .report import trace_table

    result = run_trace(_figure(template, options).conv if template else _build(**options))
    if as_json:
        for chunk in result.json_chunks():  # streamed: a large trace is never one string
            click.echo(chunk, nl=False)
        click.echo()
    else:
        click.echo(trace_table(result))


@cli.command(short_help="Print the output shape and the size formula, numbers in.")
@conv_options
@click.option("--json", "as_json", is_flag=True, help="Print the shapes and formulas as one JSON object.")
def shape(as_json, **options):
    """Print the output shape and the size formula with this case's numbers."""
    from .report import shape_report

    from .build import conv_spec

    spec = conv_spec(**conv_arguments(**options))  # shapes only: no data is filled in
    if as_json:
        click.echo(
            json.dumps(
                {
                    "input_shape": list(spec.input_shape),
                    "output_shape": list(spec.output_shape),
                    "size_formulas": [f.to_dict() for f in spec.size_formulas()],
                }
            )
        )
    else:
        click.echo(shape_report(spec))


DEFAULT_TEMPLATE = "padding1"  # what a bare `convanim render` draws: the article's padding case


def template_option(command):
    return click.option("--template", metavar="NAME", help="A built-in template (see `convanim templates`) or a path to a TOML file; the options above override its values. With no options at all: padding1.")(command)


def _figure(template: str | None, options: dict) -> Figure:
    """What a command draws: ``template`` (padding1 when nothing is given)
    with the command line's convolution options on top."""
    given = conv_arguments(**options)
    if template is None and not given:
        template = DEFAULT_TEMPLATE
    return over_template(template, given)


@cli.command(short_help="Print a PyTorch script that reproduces a figure.")
@conv_options
@template_option
def code(template, **options):
    """Print a complete PyTorch script for the figure these options draw:
    the input, the module as the panel shows it, the weights and bias copied
    in exactly (float64), and the output printed as `trace --json` gives it."""
    from .code import torch_script

    figure = _figure(template, options)
    title = f"Template {figure.template.name}" if figure.template and not figure.changed else None
    click.echo(torch_script(figure.conv, title), nl=False)


@cli.command(short_help="Render a convolution as a GIF, video, player or picture.")
@conv_options
@template_option
@click.option("-o", "--output", metavar="PATH", help="File to write; the suffix picks the format (.gif .mp4 .webm .webp .apng .html; .png or .pdf with --step or --storyboard); missing folders are made. Default: output/NAME.gif.")
@click.option("--format", "format_", metavar="NAME", help="The format, whatever the suffix: gif, mp4, webm, webp, apng, png, pdf, html, or frames (a folder of numbered PNGs for LaTeX).")
@click.option("--step", type=WHOLE, metavar="N", help="Write only step N (as the figure's counter numbers it) as a picture (.png or .pdf).")
@click.option("--storyboard", is_flag=True, help="Write one sheet with every step in a grid, for print (.png or .pdf).")
@click.option("--embed", metavar="markdown|html", help="After writing, print a snippet that embeds the file, with alt text that says what it shows.")
@render_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar. (It shows only on a terminal, for renders that take over a second.)")
def render(template, output, format_, step, storyboard, embed, quiet, **options):
    """Render a convolution, step by step, as an animated GIF or any other
    format (see --format), a single step or a storyboard sheet."""
    from pathlib import Path

    from .publish import default_suffix, publish

    flags = {name: options.pop(name) for name in RENDER_OPTIONS}
    figure = _figure(template, options)
    loaded = figure.template
    render_args = loaded.render_kwargs() if loaded else {}
    notes = [
        f"template {loaded.name}'s {key} does not fit the options given; using "
        + ("no bias" if key == "bias" else f"convanim's default {key}")
        for key in figure.dropped()
    ]
    if figure.changed and flags["title"] is None:
        # The template's title describes its own convolution, not this one.
        render_args["title"] = conv_title(figure.conv.spec)
        changing = ", ".join(_option_name(key) for key in figure.given)
        notes.append(f"{changing} change{'s' * (len(figure.given) == 1)} template {loaded.name}'s convolution, so the title is {render_args['title']!r}, not {loaded.title!r}; --title sets one")
    render_args.update({key: value for key, value in flags.items() if value is not None})
    # A flag that would change nothing is a mistake worth saying. (A
    # template's own fps or title may rest unused: it is data, not a request.)
    if flags["fps"] is not None and not render_args.get("glide"):
        raise SpecError("fps", "sets the frame rate of the glide; add --glide")
    if flags["title"] is not None and render_args.get("panel") is False:
        raise SpecError("title", "is shown in the info panel, which --no-panel drops")
    options_ = RenderOptions(**render_args)
    if output is not None and not output.strip():
        raise SpecError("output", "is empty; give a file name such as figure.gif, or leave -o out")
    suffix = default_suffix(format_, step, storyboard)
    path = Path(output) if output else Path("output") / f"{_figure_name(loaded, figure.conv.spec, figure.given)}{suffix}"
    request = {"format": format_, "step": step, "storyboard": storyboard, "embed": embed}
    try:
        if quiet or not _is_terminal(sys.stderr):
            _, lines = publish(figure.conv, path, options_, **request)
        else:
            from .progress import ProgressBar

            with ProgressBar(sys.stderr) as bar:  # wiped before any line below, or an error, is printed
                _, lines = publish(figure.conv, path, options_, progress=bar.update, **request)
    except SpecError as error:
        raise _blame_the_data(error, figure) from None
    for note in notes:  # after success, so that an error stays one line
        click.echo(f"convanim: note: {note}", err=True)
    for line in lines:
        click.echo(line, err=line.startswith("convanim: note:"))


def _blame_the_data(error: SpecError, figure: Figure) -> SpecError:
    """A size the command line did not give came from its --input: name that."""
    if error.option == "size" and "size" not in figure.given and "input" in figure.given:
        return SpecError("input", error.rule)
    return error


def _is_terminal(stream) -> bool:
    """Whether a person is watching ``stream``: a bar would be noise in a log or a pipe."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or closed
        return False


def _figure_name(template, spec, given) -> str:
    """``padding1`` for a template as it is; else named by what is not
    PyTorch's default, and by the data when it was given."""
    if template is not None and not given:
        return template.name
    from .code import conv_class, torch_arguments

    parts = [conv_class(spec).lower()]
    for argument in torch_arguments(spec):
        if argument.emphasised and argument.name != "bias":
            value = "".join(ch for ch in argument.value if ch.isalnum() or ch in "-.")
            parts.append(f"{argument.name.replace('_size', '')}{value}")
    if spec.padding_arg == "causal":  # shown as a padding layer, not an argument
        parts.append("causal" if spec.padding_mode == "zeros" else f"causal-{spec.padding_mode}")
    if spec.bias:
        parts.append("bias")
    data = {key: given[key] for key in ("input", "weight", "bias") if key in given}
    if data:
        # Different numbers, different file: a short digest of the data given.
        import hashlib  # here: only a figure of given data needs it

        parts.append(hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:6])
    return "_".join(parts)


# How the command line names conv's arguments (``size`` is ``--length`` or ``--size``).
_CLI_FLAGS = {argument.name: argument.flags for argument in CONV_ARGUMENTS}

# click 8.2 and later raise this for a bare `convanim`; 8.1 prints the help itself.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


@cli.command("templates", short_help="List the built-in figures.")
def templates_command():
    """List the built-in templates (named figures) and what each one shows."""
    from .templates import list_templates, load_template

    loaded = [load_template(name) for name in list_templates()]
    width = max((len(t.name) for t in loaded), default=0)
    for template in loaded:
        click.echo(f"{template.name:<{width}}  {template.description}")


@cli.command(short_help="Render every template, with an index.html to copy from.")
@click.argument("templates", nargs=-1, metavar="[TEMPLATE]...")
@click.option("-o", "--output", "out_dir", metavar="DIR", help="Folder for the figures and index.html (made if missing). Default: output/gallery.")
@click.option("--jobs", type=WHOLE, metavar="N", help="Processes rendering at once. Default: one per CPU; 1 renders in this process.")
@click.option("--width", type=WHOLE, metavar="PX", help="Width of every figure, instead of each template's own (default 1080).")
@click.option("--theme", metavar=RENDER_OPTIONS["theme"].metavar, help=RENDER_HELP["theme"])
@click.option("--format", "format_", metavar="NAME", help="What every figure is written as: gif (default), webp, apng, mp4, webm (with their WebM, MP4 and GIF siblings) or html (the player).")
def gallery(templates, out_dir, jobs, width, theme, format_):
    """Render every template (or the TEMPLATEs named: built-in names or .toml
    files) into DIR, with an index.html of embed snippets to copy."""
    from pathlib import Path

    from .gallery import DEFAULT_DIR, build_gallery
    from .writers.base import missing_folder

    def report(figure):
        click.echo(f"{figure.file:<20} {figure.kib:8.1f} KiB  {figure.title}")

    made = missing_folder(Path(out_dir or DEFAULT_DIR).expanduser())
    index = build_gallery(out_dir or DEFAULT_DIR, templates=templates or None, jobs=jobs, width=width, theme=theme, format=format_, on_figure=report)
    click.echo(f"wrote {index}" + (f", in the new folder {index.parent}" if made is not None else ""))


def _option_name(option: str | None, argv: list[str] | None = None) -> str | None:
    """The flag an error names: of an argument's spellings, the one typed
    (``--size 65,65`` is refused naming ``--size``), else its first."""
    if option is None:
        return None
    flags = _CLI_FLAGS.get(option, ("--" + option.replace("_", "-"),))
    typed = argv if argv is not None else sys.argv[1:]
    return next((flag for flag in flags if any(word == flag or word.startswith(flag + "=") for word in typed)), flags[0])


class _Interrupted(BaseException):
    """Ctrl-C. Raised in place of KeyboardInterrupt, which click would turn
    into its own Abort after printing a blank line."""


def _interrupted(signum, frame):
    raise _Interrupted


def _terminated(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; the single place where errors become exit codes.

    With ``argv`` None (the command line itself: the ``convanim`` script,
    ``python -m convanim``) the process ends at once when done; with a list
    of arguments ``main`` raises ``SystemExit`` as usual.
    """
    # Interrupted or terminated, a render unwinds like a failed one, so the
    # writer removes its half-written file and an existing one stays as it was.
    previous = _handle_signals({signal.SIGINT: _interrupted, signal.SIGTERM: _terminated})
    try:
        code = _run(argv)
    finally:
        _handle_signals(previous)
    if argv is None and "multiprocessing" not in sys.modules:
        # (After a process pool, Python's own shutdown releases its semaphores.)
        _leave(code)
    sys.exit(code)


def _leave(code: int) -> None:
    """End the process now. A command run from the shell has closed its
    files and joined its workers by here; tearing down every module (numpy,
    Pillow, click) would add a tenth of the time a figure takes. Only the
    standard streams still hold data: flush them first."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (convanim ... | head): nothing more to say
            code = code or 1
    os._exit(code)


def _handle_signals(handlers: dict) -> dict:
    """Install ``handlers``; return the ones they replace."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread may; a caller's own thread keeps Python's defaults
    return {signum: signal.signal(signum, handler) for signum, handler in handlers.items()}


def _run(argv: list[str] | None) -> int:
    try:
        cli.main(args=argv, prog_name="convanim", standalone_mode=False)
    except ConvanimError as error:
        if isinstance(error, TemplateError) and error.template is not None:
            # The key is a template's, spelt as in its file: no --option here.
            click.echo(f"convanim: error: {error}", err=True)
            return 2
        option = _option_name(error.option, argv)
        click.echo(f"convanim: error: {option + ': ' if option else ''}{error.rule}", err=True)
        return 2
    except OSError as error:
        # The file system said no somewhere convanim did not foresee: still one line.
        where = f" ({error.filename})" if error.filename else ""
        click.echo(f"convanim: error: {error.strerror or error}{where}", err=True)
        return 2
    except click.exceptions.Exit as done:
        return done.exit_code
    except (_Interrupted, KeyboardInterrupt, click.exceptions.Abort):
        # A terminal has echoed ^C without a line break: start a fresh line.
        start = "\n" if sys.stderr.isatty() else ""
        click.echo(f"{start}convanim: interrupted", err=True)
        return 128 + signal.SIGINT
    except _NO_ARGS_IS_HELP as shown:
        # The help, as click shows it; it is not a one-line error.
        shown.show()
        return 2
    except click.ClickException as error:
        click.echo(f"convanim: error: {usage_refusal(error)}", err=True)
        return 2
    return 0
