/** Every resource the emulator serves, and its custom singleton routes. */
import type { ResourceDef } from '../resource.js';
import type { CustomRoute } from '../routes.js';
import { BILLING_RESOURCES, BILLING_ROUTES } from './billing.js';
import { events } from './events.js';
import { PAYMENT_RESOURCES, PAYMENT_ROUTES } from './payments.js';

export const RESOURCES: ResourceDef[] = [events, ...PAYMENT_RESOURCES, ...BILLING_RESOURCES];

export const CUSTOM_ROUTES: CustomRoute[] = [...PAYMENT_ROUTES, ...BILLING_ROUTES];
