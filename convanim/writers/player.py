"""An interactive player in one HTML file: nothing is loaded from the network.

Pictures are embedded as ``data:`` URIs of lossless WebP: every so often a
whole picture (a key), in between only the box that changed, drawn over the
previous picture on a canvas. Showing any frame means drawing its key and
the boxes after it, so the slider can jump anywhere. The file is written
while the frames stream in: one picture is held at a time.

The page has play/pause, previous/next step, a slider over the frames and a
speed menu, and answers the keyboard (space, arrow keys, Home, End). Each
step's caption is text in a live region, so screen readers announce it; the
player starts paused when the reader's system asks for reduced motion.
"""

from __future__ import annotations

import base64
import html
import json

from .base import Writer
from .source import Frame, changed_box
from .chunks import encoded

KEY_EVERY = 24  # pictures between whole ones: a jump draws at most this many boxes
CONTROLS_HEIGHT = 150  # pixels under the picture: the controls and about four lines of caption

_STYLE = """
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;background:#fff;color:#1a1a1a}
figure{margin:0;display:inline-block}
canvas{display:block;max-width:100%;height:auto}
.bar{display:flex;align-items:center;gap:6px;padding:6px 4px 2px;flex-wrap:wrap}
.bar button,.bar select{font:inherit;min-width:2.6em;min-height:32px;border:1px solid #767676;border-radius:4px;background:#f4f4f4;color:#1a1a1a;cursor:pointer}
.bar button:focus-visible,.bar select:focus-visible,.bar input:focus-visible{outline:3px solid #1a5fb4;outline-offset:1px}
.bar input[type=range]{flex:1;min-width:120px}
figcaption{padding:2px 6px 6px;min-height:5.6em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
"""

_SCRIPT = """
(function(){
const P=PICS,F=FRAMES,C=CAPTIONS,fig=document.querySelector('figure');
const cv=fig.querySelector('canvas'),cx=cv.getContext('2d');
const play=fig.querySelector('[data-do=play]'),slider=fig.querySelector('input'),speed=fig.querySelector('select'),cap=fig.querySelector('figcaption');
const img=P.map(p=>{const i=new Image();i.src=p[4];return i});
// Steps: runs of frames with one caption; a step is shown at its longest frame.
const runs=[];F.forEach((f,i)=>{const r=runs[runs.length-1];if(r&&F[r.first][2]===f[2]){r.last=i;if(f[1]>F[r.show][1])r.show=i}else runs.push({first:i,last:i,show:i})});
let at=0,drawn=-1,timer=null;
function draw(i){const p=F[i][0];let k=p;while(P[k][5]!==1)k--;
 let from=(drawn>=0&&drawn<=p&&drawn>=k)?drawn+1:k;for(let j=from;j<=p;j++){const q=P[j];cx.clearRect(q[0],q[1],q[2],q[3]);cx.drawImage(img[j],q[0],q[1])}drawn=p}
function show(i){at=i;draw(i);slider.value=i;const c=C[F[i][2]];if(cap.textContent!==c)cap.textContent=c}
function run(i){return runs.findIndex(r=>r.first<=i&&i<=r.last)}
function tick(){timer=setTimeout(()=>{show((at+1)%F.length);tick()},F[at][1]/Number(speed.value))}
function pause(){clearTimeout(timer);timer=null;play.textContent='\\u25B6';play.setAttribute('aria-label','Play');play.setAttribute('aria-pressed','false')}
function start(){if(timer)return;play.textContent='\\u275A\\u275A';play.setAttribute('aria-label','Pause');play.setAttribute('aria-pressed','true');tick()}
function step(d){pause();const r=runs[(run(at)+d+runs.length)%runs.length];show(r.show)}
play.onclick=()=>timer?pause():start();
fig.querySelector('[data-do=prev]').onclick=()=>step(-1);
fig.querySelector('[data-do=next]').onclick=()=>step(1);
slider.max=F.length-1;slider.oninput=()=>{pause();show(Number(slider.value))};
speed.onchange=()=>{if(timer){clearTimeout(timer);timer=null;start()}};
document.addEventListener('keydown',e=>{const t=e.target.tagName;
 if(e.key===' '&&t!=='BUTTON'&&t!=='SELECT'){e.preventDefault();timer?pause():start()}
 else if((e.key==='ArrowRight'||e.key==='ArrowLeft')&&t!=='INPUT'&&t!=='SELECT'){e.preventDefault();step(e.key==='ArrowRight'?1:-1)}
 else if(e.key==='Home'&&t!=='INPUT'){e.preventDefault();pause();show(0)}
 else if(e.key==='End'&&t!=='INPUT'){e.preventDefault();pause();show(F.length-1)}});
// Every picture loaded first: a jump must draw at once. (load events, not
// decode(): headless browsers settle those slowly.)
Promise.all(img.map(i=>i.complete?0:new Promise(r=>{i.onload=i.onerror=r}))).then(()=>{show(0);
 if(!matchMedia('(prefers-reduced-motion: reduce)').matches)start()});
})();
"""


class PlayerWriter(Writer):
    """``.html``: the player. Options: ``title`` (the page's title; default the
    file's name) and ``description`` (a longer text under the player, e.g.
    what the figure shows in words)."""

    merge_repeats = True

    def __init__(self, path, size=None, *, title: str | None = None, description: str = ""):
        super().__init__(path, size)
        self.title = title if title is not None else self.path.stem
        self.description = description
        self._previous = None
        self._frames: list[tuple[int, int, int]] = []  # (picture, duration ms, caption)
        self._captions: dict[str, int] = {}
        self._time_ms = 0.0
        self._written_ms = 0
        self.pictures = 0

    def _begin(self, temp_path) -> None:
        width, height = self.size
        self._file = open(temp_path, "w", encoding="utf-8", newline="\n")
        title = html.escape(self.title)
        described = f'<p id="about">{html.escape(self.description)}</p>' if self.description else ""
        self._file.write(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{_STYLE}</style></head><body>\n"
            f'<figure role="group" aria-label="{title}: animation player">'
            f'<canvas width="{width}" height="{height}" role="img" aria-label="{title}"'
            f'{" aria-describedby=about" if described else ""}></canvas>\n'
            '<div class="bar">'
            '<button type="button" data-do="prev" aria-label="Previous step" title="Previous step (left arrow)">&#x25C0; Step</button>'
            '<button type="button" data-do="play" aria-label="Play" aria-pressed="false" title="Play or pause (space)">&#x25B6;</button>'
            '<button type="button" data-do="next" aria-label="Next step" title="Next step (right arrow)">Step &#x25B6;</button>'
            '<input type="range" min="0" max="0" value="0" step="1" aria-label="Frame">'
            '<label><span class="sr">Speed</span><select aria-label="Speed">'
            '<option value="0.25">0.25×</option><option value="0.5">0.5×</option>'
            '<option value="1" selected>1×</option><option value="2">2×</option></select></label>'
            "</div>\n"
            f'<figcaption aria-live="polite"></figcaption></figure>{described}\n'
            "<script>\nconst PICS=[\n"
        )

    def _add(self, frame: Frame) -> None:
        pixels = frame.pixels
        key = self.pictures % KEY_EVERY == 0
        box = None if key else changed_box(self._previous, pixels, frame.changed)
        if key or box is not None:
            left, top, right, bottom = (0, 0, *self.size) if key else box
            mode = "RGBA" if pixels.shape[2] == 4 else "RGB"
            from PIL import Image

            data = encoded(Image.fromarray(pixels[top:bottom, left:right], mode), "WEBP", lossless=True, quality=100, method=1, exact=True)
            uri = "data:image/webp;base64," + base64.b64encode(data).decode()
            self._file.write(json.dumps([left, top, right - left, bottom - top, uri, int(key)]) + ",\n")
            self.pictures += 1
            # Our own copy: the caller may redraw its buffer once add returns.
            self._previous = pixels.copy()
        self._time_ms += frame.duration_ms
        duration = round(self._time_ms) - self._written_ms
        self._written_ms += duration
        caption = self._captions.setdefault(frame.caption, len(self._captions))
        self._frames.append((self.pictures - 1, duration, caption))

    def _finish(self) -> None:
        captions = sorted(self._captions, key=self._captions.get)
        self._file.write(
            "];\nconst FRAMES="
            + json.dumps(self._frames, separators=(",", ":"))
            + ";\nconst CAPTIONS="
            + json.dumps(captions, ensure_ascii=False).replace("</", "<\\/")
            + ";\n"
            + _SCRIPT
            + "</script></body></html>\n"
        )
        self._file.close()

    def _abort(self) -> None:
        self._file.close()
