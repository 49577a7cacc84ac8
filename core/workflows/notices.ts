import type { MessageContent } from '#core/effects/effect';

/**
 * Notices to people inside the vendor (CSM, manager, the pooled queue): what happened, why, what to do and how to
 * acknowledge, as plain text with a simple HTML twin. No template engine: the words are built by the decisions.
 */
export interface NoticeSection {
  heading: string;
  lines: readonly string[];
}

export interface Notice {
  subject: string;
  /** One sentence: what happened. */
  summary: string;
  sections: readonly NoticeSection[];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function noticeText(notice: Pick<Notice, 'summary' | 'sections'>): string {
  const sections = notice.sections
    .filter((s) => s.lines.length > 0)
    .flatMap((s) => ['', `${s.heading}:`, ...s.lines.map((l) => `- ${l}`)]);
  return [notice.summary, ...sections].join('\n');
}

export function noticeHtml(notice: Pick<Notice, 'summary' | 'sections'>): string {
  const sections = notice.sections
    .filter((s) => s.lines.length > 0)
    .map(
      (s) =>
        `<h3>${escapeHtml(s.heading)}</h3><ul>${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
    )
    .join('');
  return `<p>${escapeHtml(notice.summary)}</p>${sections}`;
}

export function composeNotice(notice: Notice): Extract<MessageContent, { kind: 'composed' }> {
  return {
    kind: 'composed',
    subject: notice.subject,
    text: noticeText(notice),
    html: noticeHtml(notice),
    notice: {
      summary: notice.summary,
      sections: notice.sections.map((s) => ({ ...s, lines: [...s.lines] })),
    },
  };
}

/** One mail that gathers a person's routine notices of a day, each under its own heading. */
export function composeDailyNotices(
  recipientName: string,
  day: string,
  region: string,
  items: readonly { subject: string; text: string }[],
): Extract<MessageContent, { kind: 'composed' }> {
  const subject = `Your churnguard notices for ${day}${region ? ` (${region})` : ''}: ${items.length} item${items.length === 1 ? '' : 's'}`;
  const text = [
    `Hello ${recipientName}, here is what needs your attention today.`,
    ...items.flatMap((item, index) => ['', `${index + 1}. ${item.subject}`, item.text]),
  ].join('\n');
  const html = `<p>Hello ${escapeHtml(recipientName)}, here is what needs your attention today.</p>${items
    .map(
      (item, index) =>
        `<h3>${index + 1}. ${escapeHtml(item.subject)}</h3><pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(item.text)}</pre>`,
    )
    .join('')}`;
  return { kind: 'composed', subject, text, html };
}
