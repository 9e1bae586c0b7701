/**
 * Application command registration, validated like Discord validates it (names, descriptions,
 * option order and counts), keeping a command's id across re-registrations.
 */
import { formBodyError, snowflake, type Json } from './rules.ts';
import type { World } from './world.ts';

/** Command validation and registration for one stand-in. */
export function createCommandRegistry(world: World) {
  const { applicationId } = world;

  const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
  function validateCommands(list: unknown): Json[] {
    if (!Array.isArray(list))
      throw formBodyError([{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }]);
    if (list.length > 100)
      throw formBodyError([
        { path: [], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' },
      ]);
    const problems: Parameters<typeof formBodyError>[0] = [];
    const seen = new Set<string>();
    list.forEach((command: Json, i) => {
      const chatInput = (command.type ?? 1) === 1;
      if (
        typeof command.name !== 'string' ||
        !COMMAND_NAME.test(command.name) ||
        (chatInput && command.name !== command.name.toLowerCase())
      ) {
        problems.push({
          path: [i, 'name'],
          code: 'APPLICATION_COMMAND_INVALID_NAME',
          message: 'Command name is invalid',
        });
      }
      const key = `${command.type ?? 1}:${command.name}`;
      if (seen.has(key))
        problems.push({
          path: [i, 'name'],
          code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
          message: 'Application command names must be unique',
        });
      seen.add(key);
      if (
        chatInput &&
        (typeof command.description !== 'string' ||
          command.description.length < 1 ||
          command.description.length > 100)
      ) {
        problems.push({
          path: [i, 'description'],
          code: 'BASE_TYPE_BAD_LENGTH',
          message: 'Must be between 1 and 100 in length.',
        });
      }
      checkOptions(command.options ?? [], [i, 'options'], problems);
    });
    if (problems.length > 0) throw formBodyError(problems);
    return list as Json[];
  }
  function checkOptions(
    options: Json[],
    path: Array<string | number>,
    problems: Parameters<typeof formBodyError>[0],
  ): void {
    if (options.length > 25)
      problems.push({
        path,
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 25 or fewer in length.',
      });
    let optionalSeen = false;
    options.forEach((option, j) => {
      if (
        typeof option.name !== 'string' ||
        !COMMAND_NAME.test(option.name) ||
        option.name !== option.name.toLowerCase()
      ) {
        problems.push({
          path: [...path, j, 'name'],
          code: 'APPLICATION_COMMAND_INVALID_NAME',
          message: 'Command name is invalid',
        });
      }
      if (
        typeof option.description !== 'string' ||
        option.description.length < 1 ||
        option.description.length > 100
      ) {
        problems.push({
          path: [...path, j, 'description'],
          code: 'BASE_TYPE_BAD_LENGTH',
          message: 'Must be between 1 and 100 in length.',
        });
      }
      if (Array.isArray(option.choices) && option.choices.length > 25) {
        problems.push({
          path: [...path, j, 'choices'],
          code: 'BASE_TYPE_MAX_LENGTH',
          message: 'Must be 25 or fewer in length.',
        });
      }
      if (option.type === 1 || option.type === 2) {
        checkOptions(option.options ?? [], [...path, j, 'options'], problems);
      } else if (option.required) {
        if (optionalSeen)
          problems.push({
            path: [...path, j, 'required'],
            code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
            message: 'Required options must be placed before non-required options',
          });
      } else {
        optionalSeen = true;
      }
    });
  }
  function registerCommands(existing: Json[], list: Json[], guildId?: string): Json[] {
    return list.map((command) => ({
      id:
        existing.find((c) => c.name === command.name && (c.type ?? 1) === (command.type ?? 1))
          ?.id ?? snowflake(),
      application_id: applicationId,
      version: snowflake(),
      type: 1,
      name_localizations: null,
      description: '',
      description_localizations: null,
      default_member_permissions: null,
      dm_permission: true,
      nsfw: false,
      integration_types: [0],
      contexts: null,
      ...command,
      ...(guildId ? { guild_id: guildId } : {}),
    }));
  }
  return { validateCommands, registerCommands };
}
export type CommandRegistry = ReturnType<typeof createCommandRegistry>;
