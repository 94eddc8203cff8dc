"""convanim in a notebook: render without a path, shown inline, saved later."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from PIL import Image

import convanim

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _notebook_example() -> str:
    section = README.split("### In a notebook", 1)[1]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


def _gif_in(markup: str) -> Image.Image:
    data = re.search(r'src="data:image/gif;base64,([^"]+)"', markup).group(1)
    return Image.open(io.BytesIO(base64.b64decode(data)))


def test_the_readmes_notebook_example_is_five_lines():
    lines = [line for line in _notebook_example().splitlines() if line.strip()]
    assert len(lines) == 5 and lines[-1].split("#")[0].strip() == "animation"


def test_the_readmes_notebook_example_shows_the_figure_inline(tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="the notebook test needs nbformat (pip install nbformat)")
    nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient (pip install nbclient)")
    pytest.importorskip("ipykernel", reason="the notebook test needs a Jupyter kernel (pip install ipykernel)")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(_notebook_example())])
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    (result,) = [out for out in notebook.cells[0].outputs if out.output_type == "execute_result"]
    markup = result.data["text/html"]
    assert 'alt="' in markup and 'width="640"' in markup
    with _gif_in(markup) as gif:
        assert gif.size[0] == 640 and gif.n_frames == 6 + 1
    with Image.open(tmp_path / "padding.gif") as saved:  # .save wrote the same figure
        assert saved.size == gif.size and saved.n_frames == gif.n_frames


def test_render_without_a_path_writes_nothing_until_saved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    animation = convanim.render(convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1), width=480)
    assert isinstance(animation, convanim.Animation) and list(tmp_path.iterdir()) == []
    assert "6, 12, 18, 24, 30, 22" in animation.alt
    with _gif_in(animation._repr_html_()) as gif:
        assert gif.size == animation.size and gif.size[0] == 480
        assert gif.convert("RGB").getpixel((0, 0)) == (255, 255, 255)
    dark = animation.save(tmp_path / "dark.gif", theme="dark", width=400)
    with Image.open(dark) as saved:
        assert saved.size[0] == 400 and saved.convert("RGB").getpixel((0, 0)) == (0x16, 0x18, 0x1D)


def test_render_takes_options_in_place_of_a_path():
    options = convanim.RenderOptions(width=400)
    assert convanim.render(convanim.conv([1, 2, 3], [1, 1]), options).options.width == 400


def test_an_animation_refuses_what_render_refuses():
    with pytest.raises(convanim.ConvanimError):
        convanim.render([1, 2, 3])
    with pytest.raises(convanim.ConvanimError):
        convanim.render(convanim.conv([1, 2, 3], [1, 1]), colour="red")
