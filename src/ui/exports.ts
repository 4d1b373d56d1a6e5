/**
 * Files made from the current run, in the browser: the diagram as a standalone SVG (every style
 * resolved and written as presentation attributes, since the file travels without the page's
 * CSS) and as a PNG (painted on a canvas from the same shapes: loading the SVG into an <img>
 * would need `img-src blob:` or `data:`, which the strict CSP forbids), and the download itself.
 */
import type { Trace } from '../trace/types.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The styles the diagram uses, written onto each node of the exported copy. */
const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linejoin',
  'stroke-linecap',
  'stroke-opacity',
  'opacity',
  'paint-order',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-decoration',
  'text-anchor',
] as const;

const isHidden = (style: CSSStyleDeclaration) => style.display === 'none' || style.visibility === 'hidden';
const isTransparent = (colour: string) => colour === 'transparent' || /^rgba\(.*,\s*0\)$/.test(colour.replace(/\s+/g, ' '));

/** The colour behind an element: the first ancestor with an opaque background (the app's own). */
function backgroundOf(el: Element): string {
  for (let node: Element | null = el; node; node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null)) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && !isTransparent(bg)) return bg;
  }
  return '#ffffff';
}

/** A self-contained SVG document of a rendered diagram: styles inlined, interaction hooks removed. */
export function standaloneSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  const drop: Element[] = [];
  originals.forEach((orig, i) => {
    const node = copies[i];
    const style = getComputedStyle(orig);
    if (orig !== svg && isHidden(style)) return drop.push(node);
    // The transparent hit areas exist for the mouse only.
    if (orig.classList.contains('hit')) return drop.push(node);
    for (const name of STYLE_PROPERTIES) {
      const value = style.getPropertyValue(name);
      if (value && value !== 'normal' && !(name === 'stroke-dasharray' && value === 'none')) node.setAttribute(name, value);
    }
    for (const attr of [...node.attributes]) {
      if (attr.name === 'class' || attr.name === 'role' || attr.name.startsWith('aria-') || attr.name.startsWith('data-') || attr.name.startsWith('on')) node.removeAttribute(attr.name);
    }
  });
  for (const node of drop) node.remove();
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('version', '1.1');
  copy.removeAttribute('style');
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', backgroundOf(svg));
  const after = copy.querySelector(':scope > desc') ?? copy.querySelector(':scope > title');
  copy.insertBefore(background, after ? after.nextSibling : copy.firstChild);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy) + '\n';
}

function number(el: Element, name: string): number {
  const v = Number.parseFloat(el.getAttribute(name) ?? '0');
  return Number.isFinite(v) ? v : 0;
}

/** Paint one node of the diagram (and its children) with the canvas API, from its computed style. */
function paint(ctx: CanvasRenderingContext2D, el: Element): void {
  const style = getComputedStyle(el);
  if (isHidden(style) || el.classList.contains('hit')) return;
  const tag = el.tagName.toLowerCase();
  if (tag === 'title' || tag === 'desc') return;
  ctx.save();
  const opacity = Number.parseFloat(style.opacity);
  if (Number.isFinite(opacity)) ctx.globalAlpha *= opacity;
  const fill = style.fill;
  const stroke = style.stroke;
  const hasFill = fill && fill !== 'none' && !fill.startsWith('url(') && !isTransparent(fill);
  const hasStroke = stroke && stroke !== 'none' && !isTransparent(stroke);
  if (hasFill) ctx.fillStyle = fill;
  if (hasStroke) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = Number.parseFloat(style.strokeWidth) || 1;
    ctx.lineJoin = (style.strokeLinejoin as CanvasLineJoin) || 'miter';
    ctx.lineCap = (style.strokeLinecap as CanvasLineCap) || 'butt';
    const dash = style.strokeDasharray;
    ctx.setLineDash(dash && dash !== 'none' ? dash.split(/[\s,]+/).map((d) => Number.parseFloat(d) || 0) : []);
  }
  const shape = (path: Path2D) => {
    if (hasFill) ctx.fill(path);
    if (hasStroke) ctx.stroke(path);
  };
  switch (tag) {
    case 'g':
    case 'svg':
      for (const child of el.children) paint(ctx, child);
      break;
    case 'line': {
      const p = new Path2D();
      p.moveTo(number(el, 'x1'), number(el, 'y1'));
      p.lineTo(number(el, 'x2'), number(el, 'y2'));
      if (hasStroke) ctx.stroke(p);
      break;
    }
    case 'path':
      shape(new Path2D(el.getAttribute('d') ?? ''));
      break;
    case 'rect': {
      const p = new Path2D();
      const [x, y, w, h, rx] = [number(el, 'x'), number(el, 'y'), number(el, 'width'), number(el, 'height'), number(el, 'rx')];
      if (rx > 0) p.roundRect(x, y, w, h, rx);
      else p.rect(x, y, w, h);
      shape(p);
      break;
    }
    case 'circle': {
      const p = new Path2D();
      p.arc(number(el, 'cx'), number(el, 'cy'), number(el, 'r'), 0, Math.PI * 2);
      shape(p);
      break;
    }
    case 'text': {
      const rotate = /rotate\(\s*([-\d.e]+)[\s,]+([-\d.e]+)[\s,]+([-\d.e]+)\s*\)/.exec(el.getAttribute('transform') ?? '');
      if (rotate) {
        const [a, cx, cy] = rotate.slice(1).map(Number);
        ctx.translate(cx, cy);
        ctx.rotate((a * Math.PI) / 180);
        ctx.translate(-cx, -cy);
      }
      ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const anchor = style.textAnchor;
      ctx.textAlign = anchor === 'middle' ? 'center' : anchor === 'end' ? 'right' : 'left';
      ctx.textBaseline = 'alphabetic';
      const text = el.textContent ?? '';
      const [x, y] = [number(el, 'x'), number(el, 'y')];
      // paint-order: stroke — the halo first, then the letters on top.
      if (hasStroke) ctx.strokeText(text, x, y);
      if (hasFill) ctx.fillText(text, x, y);
      break;
    }
  }
  ctx.restore();
}

/** The rendered diagram as a PNG, `scale` device pixels per SVG unit (2: sharp on slides). */
export function diagramPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const width = number(svg, 'width') || svg.getBoundingClientRect().width;
  const height = number(svg, 'height') || svg.getBoundingClientRect().height;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.ceil(width * scale));
  canvas.height = Math.max(1, Math.ceil(height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('no 2D canvas'));
  ctx.scale(scale, scale);
  ctx.fillStyle = backgroundOf(svg);
  ctx.fillRect(0, 0, width, height);
  for (const child of svg.children) paint(ctx, child);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas made no PNG'))), 'image/png'));
}

/** A file name for an export of a run: scenario, faults and seed, so files from runs differ. */
export function exportName(trace: Trace, extension: string): string {
  const parts = ['handshake-lab', trace.meta.scenario, ...trace.meta.faults];
  if (trace.meta.options.seed) parts.push(trace.meta.options.seed.slice(0, 8));
  return parts.join('-').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) + '.' + extension;
}

/** Offer `data` as a download named `name` (an object URL clicked through a detached link). */
export function download(name: string, data: Blob | string | Uint8Array, type: string): void {
  const blob = data instanceof Blob ? data : new Blob([typeof data === 'string' ? data : (data as Uint8Array<ArrayBuffer>)], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
