import sharp from 'sharp';

/** Thumbnails fit in this square (pixels); they are never enlarged. */
export const THUMBNAIL_SIZE = 480;

// Each image is read once: sharp's operation cache would only hold memory.
sharp.cache(false);

export interface Thumbnail {
  data: Buffer;
  width: number;
  height: number;
  mime: 'image/webp';
}

/** An image's size as it is shown: EXIF orientations 5-8 turn it by 90 degrees. */
export async function imageSize(input: string): Promise<{ width: number; height: number } | null> {
  const meta = await sharp(input).metadata();
  if (!meta.width || !meta.height) return null;
  const turned = (meta.orientation ?? 1) >= 5;
  return turned ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
}

/**
 * A small WebP of an image or a video frame: EXIF orientation applied (rotate()), every piece of
 * metadata dropped (sharp keeps none unless asked), first frame only for animations.
 */
export async function makeThumbnail(input: string | Buffer): Promise<Thumbnail> {
  const { data, info } = await sharp(input, { pages: 1 })
    .rotate()
    .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 78 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, mime: 'image/webp' };
}
