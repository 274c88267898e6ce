/**
 * The Playground's picture → tensor conversion (src-renderer/src/lib/image-tensor.ts), run in
 * Node on the digits fixture's PNG files: the 64×64 upscale, read as grayscale 0-1 and resized to
 * the model's 8×8, is exactly the record PyTorch was given (sample.json record 20), and the
 * server answers it with the expected digit. The browser decodes the file with a canvas; here a
 * small PNG reader stands in for it (8-bit grayscale, as the fixture files are).
 */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { imageLayoutOf, pixelsToTensor, resizeArea, tensorToPixels, type Pixels } from '../src-renderer/src/lib/image-tensor.ts';
import { recordLayout } from '../src-main/contract/record-layout.ts';
import { flatten, torchFixtureFile, torchFixtureSample } from './fixtures/index.ts';

/** An 8-bit grayscale, non-interlaced PNG → RGBA pixels (what a canvas's getImageData gives). */
function readGrayPng(path: string): Pixels {
  const bytes = readFileSync(path);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
      expect([body[8], body[9], body[12]]).toEqual([8, 0, 0]);
    } else if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rows: Uint8Array[] = [];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)]!;
    const line = Uint8Array.from(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)));
    const up = rows[y - 1] ?? new Uint8Array(width);
    for (let x = 0; x < width; x++) {
      const a = x > 0 ? line[x - 1]! : 0;
      const b = up[x]!;
      const c = x > 0 ? up[x - 1]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      line[x] = (line[x]! + [0, a, b, (a + b) >> 1, paeth][filter]!) & 0xff;
    }
    rows.push(line);
  }
  const data = new Uint8ClampedArray(width * height * 4);
  rows.forEach((line, y) => line.forEach((v, x) => data.set([v, v, v, 255], (y * width + x) * 4)));
  return { data, width, height };
}

const digits = torchFixtureSample('digits_image');
const slot = recordLayout(digits.inputs.map((i) => ({ name: i.name, type: i.tensorType, shape: i.dims })), null).slots[0]!;

describe('pictures for image-shaped inputs', () => {
  it('recognises image layouts and leaves other inputs alone', () => {
    expect(imageLayoutOf(slot)).toEqual({ order: 'chw', channels: 1, height: 8, width: 8 });
    const layout = (dims: (number | null)[], kind = 'float' as const) => imageLayoutOf({ dims, kind });
    expect(layout([3, 224, 224])).toMatchObject({ order: 'chw', channels: 3 });
    expect(layout([28, 28])).toMatchObject({ order: 'hw', channels: 1 });
    expect(layout([32, 32, 3])).toMatchObject({ order: 'hwc', channels: 3 });
    expect(layout([3, null, null])).toMatchObject({ order: 'chw', height: null, width: null });
    expect(layout([13])).toBeNull();
    expect(imageLayoutOf({ dims: [8, 8], kind: 'bigint' })).toBeNull();
  });

  it.each(digits.images!.map((image) => [image.files[1]!, image.record, image.label] as const))(
    '%s, grayscale 0-1 resized to 8×8, is record %i (digit %i)',
    (file, record, _label) => {
      const tensor = pixelsToTensor(readGrayPng(torchFixtureFile('digits_image', file)), imageLayoutOf(slot)!, { scale: '0-1', color: 'grayscale', float32: true });
      const want = digits.records[record]!.image!;
      // float32 values written as PyTorch's sample writes them, and the same float32s as byte / 255
      expect(flatten(tensor as never)).toEqual(flatten(want));
      const exact = pixelsToTensor(readGrayPng(torchFixtureFile('digits_image', file)), imageLayoutOf(slot)!, { scale: '0-1', color: 'grayscale' });
      expect(flatten(exact as never).map(Math.fround)).toEqual(flatten(want).map(Math.fround));
      // the preview shows the same picture back
      const preview = tensorToPixels(tensor, imageLayoutOf(slot)!)!;
      const original = readGrayPng(torchFixtureFile('digits_image', file.replace('64x64', '8x8')));
      expect(Array.from(preview.data)).toEqual(Array.from(original.data));
    }
  );

  it('averages the pixels a shrunk pixel covers, keeps RGB apart, and scales 0-255 on request', () => {
    // 2×2 RGBA → 1×1: the mean of four pixels
    const square: Pixels = { width: 2, height: 2, data: Uint8ClampedArray.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]) };
    expect(Array.from(resizeArea(square, 1, 1, 3))).toEqual([127.5, 127.5, 127.5]);
    expect(pixelsToTensor(square, { order: 'hwc', channels: 3, height: 2, width: 2 }, { scale: '0-255', color: 'rgb' })).toEqual([
      [[255, 0, 0], [0, 255, 0]],
      [[0, 0, 255], [255, 255, 255]]
    ]);
    expect(pixelsToTensor(square, { order: 'chw', channels: 3, height: 1, width: 1 }, { scale: '0-1', color: 'grayscale' })).toEqual([[[128 / 255]], [[128 / 255]], [[128 / 255]]]);
    // an open size keeps the picture's own
    expect(pixelsToTensor(square, { order: 'hw', channels: 1, height: null, width: null }, { scale: '0-255', color: 'grayscale' })).toEqual([[76, 150], [29, 255]]);
  });
});
