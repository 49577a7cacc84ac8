import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { precompiledTemplates, TemplateRenderError } from '#core/journeys/render-message';
import { BundledConfigError, readFunctionBundle } from '#functions/shared/bundled-config';

const env = (file = 'churnguard.json') => ({ CHURNGUARD_CONFIG_FILE: file, LAMBDA_TASK_ROOT: '/var/task' });
/** A bundle file as the construct writes it, read from a fake disk (and the paths that were read). */
function disk(content: string) {
  const read: string[] = [];
  return {
    read,
    readText: (path: string) => {
      read.push(path);
      return content;
    },
  };
}

describe('the config a deployed function runs with', () => {
  it('is the built-in default when no bundle file is named (tests, local runtime)', () => {
    expect(readFunctionBundle({}, () => '{}')).toBeUndefined();
  });

  it('reads the bundle beside the code and validates it once', () => {
    // Prepare: a non-default config, as an admin's props would bundle it.
    const config = structuredClone(defaultConfig);
    config.messaging.publicBaseUrl = 'https://cs.vendor.example';
    const { read, readText } = disk(JSON.stringify({ config }));
    // Act
    const bundle = readFunctionBundle(env(), readText);
    // Assess
    expect(read).toEqual(['/var/task/churnguard.json']);
    expect(bundle?.config.messaging.publicBaseUrl).toBe('https://cs.vendor.example');
    expect(bundle?.templates).toBeUndefined();
  });

  it('rejects an invalid bundled config with the file, every path and the reason', () => {
    expect.assertions(3);
    const config = {
      ...defaultConfig,
      schemaVersion: 2,
      health: { ...defaultConfig.health, lookbackDays: 0 },
    };
    try {
      readFunctionBundle(env(), disk(JSON.stringify({ config })).readText);
    } catch (error) {
      expect(error).toBeInstanceOf(BundledConfigError);
      expect((error as Error).message).toMatch(
        /^Invalid bundled config \/var\/task\/churnguard\.json: config\.schemaVersion: must be 1; /,
      );
      expect((error as Error).message).toContain('config.health.lookbackDays: must be at least 1 day');
    }
  });

  it('rejects a file that is not JSON, or compiled templates of the wrong shape', () => {
    expect(() => readFunctionBundle(env('/opt/cg.json'), disk('{"config": ').readText)).toThrow(
      /^Invalid bundled config \/opt\/cg\.json: .*JSON/,
    );
    const badTemplates = JSON.stringify({ config: defaultConfig, templates: { x: { html: 1 } } });
    expect(() => readFunctionBundle(env(), disk(badTemplates).readText)).toThrow(
      /Invalid bundled config .*templates\.x\.html: /,
    );
  });
});

describe('templates compiled into the bundle', () => {
  const templates = { hello: defaultConfig.templates.congrats_first_login! };
  const compile = precompiledTemplates(templates, {
    hello: { html: '<p>{{contactName}}</p>', htmlWithUnsubscribe: '<p>{{contactName}}</p><a>x</a>' },
  });

  it('answers with the HTML compiled for that template, with or without the unsubscribe footer', async () => {
    expect(await compile(templates.hello, false, {})).toBe('<p>{{contactName}}</p>');
    expect(await compile(templates.hello, true, {})).toBe('<p>{{contactName}}</p><a>x</a>');
  });

  it('refuses a template that was changed after compiling rather than send stale HTML', async () => {
    await expect(compile({ ...templates.hello, heading: 'Changed' }, false, {})).rejects.toThrow(
      TemplateRenderError,
    );
  });
});
