import { Box, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { pixelsToTensor, tensorToPixels, type ColorMode, type ImageLayout, type Pixels, type PixelScale } from '../lib/image-tensor.ts';
import { FilePicker } from './FilePicker.tsx';

/** Decodes a PNG or JPEG in the browser (canvas) into RGBA pixels at its own size. */
async function decodeImage(file: Blob): Promise<Pixels> {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

const sizeText = (layout: ImageLayout) => `${layout.height ?? 'its own'}${layout.width === null ? '' : ` × ${layout.width}`}`;

/**
 * An image-shaped input: the tensor shown as a picture, and a PNG or JPEG turned into the
 * tensor here in the browser, with the user's scaling and channels, resized to the input's H×W.
 */
export function ImageTensorInput({ input, layout, float32, value, onTensor }: {
  input: string;
  layout: ImageLayout;
  /** the input's type is float32 */
  float32: boolean;
  /** the editor's current tensor (null while its JSON does not parse) */
  value: unknown;
  onTensor: (tensor: unknown) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [scale, setScale] = useState<PixelScale>('0-1');
  const [color, setColor] = useState<ColorMode>(layout.channels === 3 ? 'rgb' : 'grayscale');
  const [error, setError] = useState<string | undefined>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const pixels = value === null ? null : tensorToPixels(value, layout);

  useEffect(() => {
    const target = canvas.current;
    if (!target || !pixels) return;
    target.width = pixels.width;
    target.height = pixels.height;
    target.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(pixels.data), pixels.width, pixels.height), 0, 0);
  }, [pixels]);

  const convert = async (picked: File | null, options: { scale: PixelScale; color: ColorMode }) => {
    setFile(picked);
    setError(undefined);
    if (!picked) return;
    try {
      onTensor(pixelsToTensor(await decodeImage(picked), layout, { ...options, float32 }));
    } catch (err) {
      setError(`Could not read ${picked.name} as an image: ${(err as Error).message}`);
    }
  };

  return (
    <Group align="flex-start" gap="md" wrap="nowrap" data-testid={`image-input-${input}`}>
      <Box w={132} h={132} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, display: 'grid', placeItems: 'center', background: 'var(--mantine-color-gray-1)' }}>
        {pixels ? (
          <canvas ref={canvas} data-testid={`tensor-preview-${input}`} aria-label={`${input} as an image`} style={{ width: 128, height: 128, imageRendering: 'pixelated', objectFit: 'contain' }} />
        ) : (
          <Text size="xs" c="dimmed" ta="center">No preview: the values are not an image of this shape</Text>
        )}
      </Box>
      <Stack gap={6} style={{ flex: 1 }}>
        <FilePicker
          label="From a picture"
          description={`PNG or JPEG, converted here and resized to ${sizeText(layout)}`}
          extensions={['png', 'jpg', 'jpeg']}
          kind="image"
          file={file}
          onPick={(picked) => void convert(picked, { scale, color })}
          error={error}
          testId={`image-file-${input}`}
        />
        <Group gap="sm">
          <SegmentedControl
            size="xs"
            value={scale}
            onChange={(v) => {
              setScale(v as PixelScale);
              void convert(file, { scale: v as PixelScale, color });
            }}
            data={[{ value: '0-1', label: 'Values 0–1' }, { value: '0-255', label: 'Values 0–255' }]}
            aria-label="Pixel scaling"
            data-testid={`image-scale-${input}`}
          />
          <SegmentedControl
            size="xs"
            value={color}
            disabled={layout.channels === 1}
            onChange={(v) => {
              setColor(v as ColorMode);
              void convert(file, { scale, color: v as ColorMode });
            }}
            data={[{ value: 'rgb', label: 'RGB' }, { value: 'grayscale', label: 'Grayscale' }]}
            aria-label="Channels"
            data-testid={`image-color-${input}`}
          />
        </Group>
        {layout.channels === 1 && <Text size="xs" c="dimmed">One channel: pictures are read as grayscale.</Text>}
      </Stack>
    </Group>
  );
}
