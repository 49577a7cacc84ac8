import type { Db } from '#store/client';

/** Makes chosen commands fail as a crash would, after the table has (or has not) applied earlier ones. */
export function crashingOn(db: Db, shouldCrash: (command: unknown) => boolean): Db {
  const send = db.doc.send.bind(db.doc) as (command: unknown) => Promise<unknown>;
  const doc = Object.create(db.doc) as Db['doc'];
  doc.send = ((command: unknown) => {
    if (shouldCrash(command)) return Promise.reject(new Error('simulated crash'));
    return send(command);
  }) as Db['doc']['send'];
  return { ...db, doc };
}
