/**
 * What a sender needs of the evidence store (src/store/evidence) to send our copy of a file instead
 * of a platform's reference: its plain bytes and type. Null when it is no longer kept (retention).
 */
export interface EvidenceFiles {
  read(evidenceId: string): Promise<{ bytes: Buffer; mime: string } | null>;
}

/** The upload's file name: generic, by type only. A resident's own file name is never kept nor sent. */
export function uploadName(kind: string, mime: string): string {
  const ext: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/webp': 'webp',
    'video/mp4': 'mp4',
    'audio/ogg': 'ogg',
    'audio/aac': 'aac',
    'audio/mpeg': 'mp3',
    'audio/mp4': 'm4a',
  };
  return `${kind}.${ext[mime] ?? 'bin'}`;
}
