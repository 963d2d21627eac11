import { Router } from 'express';
import { z } from 'zod';
import { parse } from '../http/validate';
import { emailSchema } from '../shared/schemas';
import type { RoutingService } from './routing.service';

/** The admin API's email rule, so that routing and the admin API agree on what an address is. */
export const querySchema = z.object({ email: z.string({ error: 'email is required' }).min(1, 'email is required').pipe(emailSchema) });

/** Public, no key: `GET /t/{tenant}/login/route?email=`. */
export function routingRoutes(routing: RoutingService): Router {
  const router = Router({ mergeParams: true });
  router.get('/login/route', async (req, res) => {
    const { email } = parse(querySchema, req.query, 'query');
    res.json(await routing.route(String((req.params as { tenant?: string }).tenant), email));
  });
  return router;
}
