/** Small shared pieces: error and loading states, the screen heading that takes focus, the modal dialog. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { isApiError } from '../../src/client';
import type { Catalogue } from './i18n/en';
import { fill } from './i18n';

/** What to tell the partner about a failed call: the problem's own `detail`, never a stack. */
export function describeError(t: Catalogue, err: unknown): { text: string; requestId?: string | undefined } {
  if (isApiError(err)) return { text: err.problem.detail || err.problem.title, requestId: err.requestId };
  if (err instanceof TypeError) return { text: t.app.unreachable };
  return { text: fill(t.app.unexpected, { message: err instanceof Error ? err.message : String(err) }) };
}

export function ErrorAlert({ t, error }: { t: Catalogue; error: unknown }) {
  if (error === undefined || error === null) return null;
  const { text, requestId } = describeError(t, error);
  return (
    <div class="alert" role="alert">
      <p>{text}</p>
      {requestId ? <p class="muted small">{fill(t.app.requestId, { id: requestId })}</p> : null}
    </div>
  );
}

export function Loading({ t }: { t: Catalogue }) {
  return (
    <p class="loading" role="status">
      {t.app.loading}
    </p>
  );
}

/** The screen's h1; it takes focus when the screen opens, so screen readers announce the new page. */
export function ScreenHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} id="screen-title">
      {children}
    </h1>
  );
}

/**
 * The WAI-ARIA modal dialog, on the native <dialog>: showModal() makes the rest of the page inert,
 * keeps focus inside, and Escape closes it; focus returns to the control that opened it.
 */
export function Dialog(props: { titleId: string; describedBy?: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    return () => {
      dialog?.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={props.titleId}
      aria-describedby={props.describedBy}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.children}
    </dialog>
  );
}
