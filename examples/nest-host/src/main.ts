import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HostModule } from './host.module.js';
import { HostSettings } from './host-settings.js';

const app = await NestFactory.create(HostModule);
app.enableShutdownHooks();
await app.listen(app.get(HostSettings).port, '127.0.0.1');
const address = app.getHttpServer().address() as { port: number };
console.log(`host listening on port ${address.port}`);
