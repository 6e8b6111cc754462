import {
  type ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Middleware,
  type TurnContext,
} from 'botbuilder';
import type { Request, Response, Server } from 'restify';

export interface BotFrameworkSettings {
  appId: string | undefined;
  appPassword: string | undefined;
  tenantId: string | undefined;
  appType: string | undefined;
}

/**
 * `POST /api/messages` through CloudAdapter: Azure Bot Service channels and the Bot Framework
 * Emulator. Requests are JWT-verified when MicrosoftAppId is set; without it they are accepted
 * unauthenticated (development only — main warns loudly).
 */
export class BotFrameworkChannel {
  readonly adapter: CloudAdapter;

  constructor(
    settings: BotFrameworkSettings,
    private readonly bot: Pick<ActivityHandler, 'run'>,
    middleware: Middleware[],
    onTurnError: (context: TurnContext, error: Error) => Promise<void>,
  ) {
    const credentials = new ConfigurationServiceClientCredentialFactory({
      MicrosoftAppId: settings.appId ?? '',
      MicrosoftAppPassword: settings.appPassword ?? '',
      MicrosoftAppTenantId: settings.tenantId ?? '',
      MicrosoftAppType: settings.appType ?? (settings.tenantId ? 'SingleTenant' : 'MultiTenant'),
    });
    const auth = new ConfigurationBotFrameworkAuthentication(
      { MicrosoftAppId: settings.appId ?? '', MicrosoftAppTenantId: settings.tenantId ?? '' },
      credentials,
    );
    this.adapter = new CloudAdapter(auth);
    for (const m of middleware) this.adapter.use(m);
    this.adapter.onTurnError = onTurnError;
  }

  register(server: Server): void {
    server.post('/api/messages', async (req: Request, res: Response) => {
      await this.adapter.process(req, res, (context) => this.bot.run(context));
    });
  }
}
