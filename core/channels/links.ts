/** The page's account view (web/main.ts routes `#/account/<id>`), served by the API at /app/. */
export function accountPageUrl(publicBaseUrl: string, accountId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/app/#/account/${encodeURIComponent(accountId)}`;
}

/** The page's portfolio view: every open risk. */
export function portfolioPageUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/app/#/portfolio`;
}
