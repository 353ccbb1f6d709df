import { OrderForm } from "./order-form";

export default function Page() {
  return <OrderForm />;
}
