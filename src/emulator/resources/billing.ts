/** Customers, catalogue and billing resources (being written). */
import type { ResourceDef } from '../resource.js';
import type { CustomRoute } from '../routes.js';

export const BILLING_RESOURCES: ResourceDef[] = [];
export const BILLING_ROUTES: CustomRoute[] = [];
