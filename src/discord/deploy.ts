/**
 * Registering the slash commands with Discord (`storybot deploy-commands`).
 */
import {
  Routes,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';

/** Where and what `deployCommands` sends. */
export interface DeployTarget {
  applicationId: string;
  guildId?: string;
}

/**
 * Replaces the application's commands with `payloads` (a PUT overwrites, so removed commands
 * disappear). Returns how many Discord now has.
 */
export async function deployCommands(
  rest: REST,
  target: DeployTarget,
  payloads: RESTPostAPIChatInputApplicationCommandsJSONBody[],
): Promise<number> {
  const route = target.guildId
    ? Routes.applicationGuildCommands(target.applicationId, target.guildId)
    : Routes.applicationCommands(target.applicationId);
  const result = (await rest.put(route, { body: payloads })) as unknown[];
  return result.length;
}
