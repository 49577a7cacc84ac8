/** mjml ships no types; its result is checked with zod where it is used (core/journeys/render.ts). */
declare module 'mjml' {
  export default function mjml2html(
    input: string,
    options?: { validationLevel?: 'strict' | 'soft' | 'skip' },
  ): unknown | Promise<unknown>;
}
