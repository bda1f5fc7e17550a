import { useEffect, useId, useRef, type ReactNode, type SyntheticEvent } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** More choices between Cancel and the main one. */
  extra?: ReactNode;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A question before something that cannot be taken back: a native modal <dialog> (the page behind
 * is inert, Esc cancels), the safe choice focused first.
 */
export function ConfirmDialog({ title, children, confirmLabel, danger, extra, onConfirm, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    cancelRef.current?.focus();
    return () => element?.close();
  }, []);

  const onCancelEvent = (event: SyntheticEvent) => {
    event.preventDefault();
    onCancel();
  };

  return (
    <dialog ref={dialog} className="nb-dialog" aria-labelledby={titleId} onCancel={onCancelEvent}>
      <div className="nb-dialog-body">
        <h2 id={titleId} className="nb-dialog-title">
          {title}
        </h2>
        <div className="nb-dialog-message">{children}</div>
        <div className="nb-dialog-actions">
          <button ref={cancelRef} type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          {extra}
          <button type="button" className={danger ? 'button button-danger' : 'button button-primary'} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}
