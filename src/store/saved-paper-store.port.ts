/** A paper on a channel's reading list. */
export interface SavedPaper {
  channel: string;
  paperId: string;
  savedBy: string;
  savedAt: string;
}

/** Reading lists per channel. */
export interface SavedPaperStore {
  /** Returns false when the paper was already on the list. */
  save(entry: SavedPaper): Promise<boolean>;
  remove(channel: string, paperId: string): Promise<boolean>;
  /** Oldest first. */
  list(channel: string): Promise<SavedPaper[]>;
}
