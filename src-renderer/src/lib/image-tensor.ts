/**
 * Images ↔ the tensors of image-shaped inputs (issue 21): which inputs look like images, a
 * picture's pixels → the input's tensor (scaled, RGB or grayscale, resized), and a tensor → the
 * pixels of its preview. Pure: the browser decodes the file (canvas) and draws the preview; the
 * arithmetic here is the same in a test.
 */
import type { InputSlot } from '../../../src-main/contract/record-layout.ts';
import { nestFlat } from '../../../src-main/contract/record-tensors.ts';

/** How an input holds an image: channel order, channels, and its size (null: any, the picture's own). */
export interface ImageLayout {
  order: 'hw' | 'chw' | 'hwc';
  channels: 1 | 3;
  height: number | null;
  width: number | null;
}

export type PixelScale = '0-1' | '0-255';
export type ColorMode = 'rgb' | 'grayscale';

/** RGBA bytes, row after row (an ImageData). */
export interface Pixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

const isSide = (d: number | null): boolean => d === null || d >= 2;
const isChannels = (d: number | null): d is 1 | 3 => d === 1 || d === 3;

/**
 * Inputs shaped like an image after the batch dim: [H, W], [1|3, H, W] (PyTorch), or
 * [H, W, 1|3] (Keras, channels last). Float inputs only: integer inputs hold ids, not pixels.
 */
export function imageLayoutOf(slot: Pick<InputSlot, 'dims' | 'kind'>): ImageLayout | null {
  if (slot.kind !== 'float' && slot.kind !== 'int') return null;
  const [a = null, b = null, c = null] = slot.dims;
  if (slot.dims.length === 2 && isSide(a) && isSide(b)) return { order: 'hw', channels: 1, height: a, width: b };
  if (slot.dims.length !== 3) return null;
  if (isChannels(a) && isSide(b) && isSide(c)) return { order: 'chw', channels: a, height: b, width: c };
  if (isChannels(c) && isSide(a) && isSide(b)) return { order: 'hwc', channels: c, height: a, width: b };
  return null;
}

/**
 * Box-filter resize of RGBA pixels: each target pixel is the area-weighted mean of the source
 * pixels it covers, so shrinking averages (no aliasing) and an image made of equal blocks comes
 * back exactly. Returns `channels` floats (0-255) per target pixel: R, G, B (or luma when 1).
 */
export function resizeArea(pixels: Pixels, width: number, height: number, channels: 1 | 3): Float64Array {
  const out = new Float64Array(width * height * channels);
  const sx = pixels.width / width;
  const sy = pixels.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < width; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      let r = 0;
      let g = 0;
      let b = 0;
      let area = 0;
      for (let py = Math.floor(y0); py < Math.min(Math.ceil(y1), pixels.height); py++) {
        const wy = Math.min(py + 1, y1) - Math.max(py, y0);
        for (let px = Math.floor(x0); px < Math.min(Math.ceil(x1), pixels.width); px++) {
          const w = wy * (Math.min(px + 1, x1) - Math.max(px, x0));
          const i = (py * pixels.width + px) * 4;
          r += w * pixels.data[i]!;
          g += w * pixels.data[i + 1]!;
          b += w * pixels.data[i + 2]!;
          area += w;
        }
      }
      const k = (y * width + x) * channels;
      if (channels === 1) out[k] = luma(r / area, g / area, b / area);
      else {
        out[k] = r / area;
        out[k + 1] = g / area;
        out[k + 2] = b / area;
      }
    }
  }
  return out;
}

/** The shortest decimal that is the same float32 as `value` (what PyTorch and NumPy print). */
export function shortestFloat32(value: number): number {
  const target = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return Number(target.toPrecision(9));
}

/** ITU-R BT.601 luma, rounded to a byte like a grayscale PNG stores it. */
const luma = (r: number, g: number, b: number): number => Math.round(0.299 * r + 0.587 * g + 0.114 * b);

/**
 * A picture → the input's tensor, nested in its shape: resized to the input's H×W (or kept at
 * its own size where the input leaves it open), RGB or grayscale (a 3-channel input repeats the
 * gray), values byte / 255 or the bytes themselves. `float32`: the input is float32, so 0-1
 * values are written as the shortest decimals of their float32s.
 */
export function pixelsToTensor(pixels: Pixels, layout: ImageLayout, options: { scale: PixelScale; color: ColorMode; float32?: boolean }): unknown {
  const height = layout.height ?? pixels.height;
  const width = layout.width ?? pixels.width;
  const gray = options.color === 'grayscale' || layout.channels === 1;
  const sampled = resizeArea(pixels, width, height, gray ? 1 : 3);
  const per = gray ? 1 : 3;
  // a float32 input holds byte / 255 as a float32: written as its shortest decimal, the editor's JSON stays short and the tensor is the same
  const scale = options.scale === '0-255' ? (v: number) => v : options.float32 ? (v: number) => shortestFloat32(v / 255) : (v: number) => v / 255;
  const channels = layout.channels;
  const flat = new Array<number>(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < channels; ch++) {
        const value = scale(sampled[(y * width + x) * per + (gray ? 0 : ch)]!);
        const at = layout.order === 'hwc' ? (y * width + x) * channels + ch : ch * height * width + y * width + x;
        flat[at] = value;
      }
    }
  }
  const dims = layout.order === 'chw' ? [channels, height, width] : layout.order === 'hwc' ? [height, width, channels] : [height, width];
  return nestFlat(flat, dims);
}

/**
 * A tensor of the input's layout → RGBA pixels for its preview. Values up to 1 are read as 0-1,
 * larger ones as bytes; anything outside is clipped. null when the value is not of that layout.
 */
export function tensorToPixels(value: unknown, layout: ImageLayout): Pixels | null {
  const planes = layout.order === 'hw' ? [value] : layout.order === 'chw' ? value : null;
  const rows = layout.order === 'hwc' ? value : Array.isArray(planes) ? planes[0] : null;
  if (!Array.isArray(rows) || !Array.isArray(rows[0])) return null;
  const height = rows.length;
  const width = (rows[0] as unknown[]).length;
  const at = (ch: number, y: number, x: number): number => {
    const v = layout.order === 'hwc' ? (value as number[][][])[y]?.[x]?.[ch] : (layout.order === 'hw' ? (value as number[][])[y]?.[x] : (value as number[][][])[ch]?.[y]?.[x]);
    return typeof v === 'number' ? v : NaN;
  };
  let max = 0;
  for (let ch = 0; ch < layout.channels; ch++) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) max = Math.max(max, at(ch, y, x) || 0);
  }
  const toByte = (v: number) => (Number.isNaN(v) ? 0 : Math.max(0, Math.min(255, Math.round(max <= 1 ? v * 255 : v))));
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const rgb = layout.channels === 3 ? [at(0, y, x), at(1, y, x), at(2, y, x)] : [at(0, y, x), at(0, y, x), at(0, y, x)];
      rgb.forEach((v, ch) => (data[i + ch] = toByte(v)));
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}
