/** Saves text as a file through the browser's download (works the same in Electron and a browser). */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference by now; give the browser a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
