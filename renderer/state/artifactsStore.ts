import { create } from 'zustand';
import type { ArtifactListing, ArtifactPreview } from '../../main/contract/experiments';
import type { LatheError } from '../../main/contract/result';
import { getBridge } from '../api/client';

interface ArtifactsState {
  runId: string | null;
  listing: ArtifactListing | null;
  error: LatheError | null;
  selectedPath: string | null;
  preview: ArtifactPreview | null;
  previewError: LatheError | null;
  load(runId: string): Promise<void>;
  openPreview(path: string): Promise<void>;
}

/** The open run's artifacts and the one being previewed. */
export const useArtifactsStore = create<ArtifactsState>()((set, get) => ({
  runId: null,
  listing: null,
  error: null,
  selectedPath: null,
  preview: null,
  previewError: null,

  async load(runId) {
    set({ runId, listing: null, error: null, selectedPath: null, preview: null, previewError: null });
    const result = await getBridge().call('runs.artifacts', { runId });
    if (get().runId !== runId) return;
    set(result.ok ? { listing: result.value } : { error: result.error });
  },

  async openPreview(path) {
    const { runId } = get();
    if (runId === null) return;
    set({ selectedPath: path, preview: null, previewError: null });
    const result = await getBridge().call('runs.artifactPreview', { runId, path });
    if (get().runId !== runId || get().selectedPath !== path) return;
    set(result.ok ? { preview: result.value } : { previewError: result.error });
  },
}));
