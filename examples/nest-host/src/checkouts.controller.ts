import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { CheckoutsService, type PaymentOutcome } from './checkouts.service.js';

@Controller()
export class CheckoutsController {
  constructor(private readonly checkouts: CheckoutsService) {}

  @Get('hello')
  hello(): { hello: string } {
    return { hello: 'from the host' };
  }

  /** Answers once the payment is settled: the order and its notification committed, or neither. */
  @Post('checkouts')
  async checkout(@Body() body: { ref: string; userId: string; item: string }): Promise<{ ref: string; outcome: PaymentOutcome }> {
    return { ref: body.ref, outcome: await this.checkouts.checkout(body.ref, body.userId, body.item) };
  }

  @Get('checkouts/:ref')
  status(@Param('ref') ref: string): { ref: string; awaitingPayment: boolean } {
    return { ref, awaitingPayment: this.checkouts.isAwaitingPayment(ref) };
  }

  @Post('checkouts/:ref/:outcome')
  @HttpCode(204)
  settle(@Param('ref') ref: string, @Param('outcome') outcome: PaymentOutcome): void {
    if ((outcome !== 'paid' && outcome !== 'failed') || !this.checkouts.settle(ref, outcome)) throw new NotFoundException(`no checkout ${ref} awaits payment`);
  }
}
