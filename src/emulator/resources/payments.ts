/** Payments, balance, payouts, Connect money movement resources (being written). */
import type { ResourceDef } from '../resource.js';
import type { CustomRoute } from '../routes.js';

export const PAYMENT_RESOURCES: ResourceDef[] = [];
export const PAYMENT_ROUTES: CustomRoute[] = [];
